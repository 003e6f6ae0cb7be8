-- What a service API key may do: "service" acts with the service role, a
-- "search" key may only search (through the Typesense-compatible API).
ALTER TABLE api_keys ADD COLUMN kind text NOT NULL DEFAULT 'service';
