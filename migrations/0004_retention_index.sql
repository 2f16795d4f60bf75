-- Hand-edited after drizzle-kit: IF NOT EXISTS, because issue 14's metrics migration may create the same index
-- (same name and columns); whichever is applied first makes it.
CREATE INDEX IF NOT EXISTS `idx_archon_mcp_requests_time_era_status` ON `archon_mcp_requests` (`timestamp`,`era`,`status`);
