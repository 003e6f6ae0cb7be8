-- A rate limit's and a throttle's record of a start matters for one period
-- after it. Each row now says until when (expires_at), so retention can
-- delete the rows of keys never seen again, which the keys' own checks,
-- pruning only the key they check, would keep forever. Rows written before
-- this have none; retention deletes them after its longest retention.
ALTER TABLE function_rate_hits ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE function_throttle_starts ADD COLUMN expires_at TIMESTAMP;
