/**
 * The smallest valid media the conformance fixtures return, as base64. The
 * scenarios check only that data and a MIME type are present, so a few bytes
 * keep every response small.
 */

/** A 1×1 transparent PNG (68 bytes, RGBA). */
export const PNG_1X1_BASE64 =
	"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=";

/** A WAV of two silent samples (46 bytes: PCM, mono, 8 bit, 8000 Hz). */
export const WAV_SILENCE_BASE64 =
	"UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQIAAACAgA==";
