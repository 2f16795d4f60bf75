#!/bin/sh
# Runs a command with wrangler kept offline (no metrics, no error reports, no
# Cloudflare lookups) and its logs and registry kept inside the project.
# Used by every npm script that starts wrangler, vitest or drizzle-kit.
export WRANGLER_SEND_METRICS=false
export WRANGLER_SEND_ERROR_REPORTS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_LOG_PATH="${WRANGLER_LOG_PATH:-.wrangler/logs}"
export WRANGLER_REGISTRY_PATH="${WRANGLER_REGISTRY_PATH:-.wrangler/registry}"
exec "$@"
