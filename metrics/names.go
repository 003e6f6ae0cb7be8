package metrics

// Def is a metric's name and help. Every metric of the data layer is defined
// here, so alert rules and dashboards have one list to read; the names are
// stable.
type Def struct{ Name, Help string }

// HTTP.
var (
	HTTPRequests = Def{"mohalla_http_requests_total", "HTTP requests by method, route pattern and status code."}
	HTTPDuration = Def{"mohalla_http_request_duration_seconds", "HTTP request latency by method and route pattern."}
)

// Functions.
var (
	FunctionAttempts = Def{"mohalla_function_attempts_total",
		"Function run attempts by function and outcome (completed, failed, retrying, sleeping, waiting, skipped)."}
	FunctionAttemptDuration = Def{"mohalla_function_attempt_duration_seconds", "Duration of function run attempts."}
	FunctionRescued         = Def{"mohalla_function_rescued_attempts_total",
		"Running attempts of dead nodes (heartbeat too old) that this node re-queued."}
	StepDuration  = Def{"mohalla_step_duration_seconds", "Duration of executed steps by function and kind."}
	StepErrors    = Def{"mohalla_step_errors_total", "Steps that returned an error, by function."}
	Runs          = Def{"mohalla_runs", "Function runs by function and status."}
	QueueDepth    = Def{"mohalla_queue_depth", "Runs waiting to start or resume (queued, sleeping, waiting)."}
	Notifications = Def{"mohalla_notifications",
		"Notifications by channel (email, shop) and status (sent, pending, recorded, …)."}
)

// The queue (River's jobs).
var (
	QueueJobs      = Def{"mohalla_queue_jobs", "Queue jobs by state (available, running, retryable, scheduled, completed, …)."}
	QueueOldestAge = Def{"mohalla_queue_oldest_job_age_seconds",
		"By state, how long the oldest job has been in it: running since its attempt began, others since they were due (negative: due later)."}
)

// The database.
var (
	DBPoolAcquired   = Def{"mohalla_db_pool_acquired_connections", "PostgreSQL pool connections in use."}
	DBPoolIdle       = Def{"mohalla_db_pool_idle_connections", "PostgreSQL pool connections idle."}
	DBPoolWaiting    = Def{"mohalla_db_pool_waiting", "Callers waiting for a PostgreSQL pool connection now."}
	DBPoolMax        = Def{"mohalla_db_pool_max_connections", "The PostgreSQL pool's size."}
	DBPoolAcquires   = Def{"mohalla_db_pool_acquires_total", "Connections acquired from the PostgreSQL pool."}
	DBPoolWaits      = Def{"mohalla_db_pool_acquire_waits_total", "Acquires that had to wait for a connection, the pool being empty."}
	DBPoolAcquireS   = Def{"mohalla_db_pool_acquire_seconds_total", "Time spent acquiring connections from the PostgreSQL pool."}
	DBTxDuration     = Def{"mohalla_db_transaction_duration_seconds", "Transactions by operation and outcome (committed, failed), over all their attempts."}
	DBTxRetries      = Def{"mohalla_db_transaction_retries_total", "Transactions retried after a transient conflict (deadlock, serialization, busy), by operation."}
	EventLogHead     = Def{"mohalla_event_log_head", "The sequence number of the last event followers can read."}
	FollowerPosition = Def{"mohalla_follower_position",
		"The event-log sequence number each follower (search, cache, live) has applied; its distance to mohalla_event_log_head is its lag."}
)

// The cache.
var (
	CacheHits          = Def{"mohalla_cache_hits_total", "Reads answered from the cache."}
	CacheMisses        = Def{"mohalla_cache_misses_total", "Reads that went to the store."}
	CacheFills         = Def{"mohalla_cache_fills_total", "Entries stored in the cache."}
	CacheStaleFills    = Def{"mohalla_cache_stale_fills_total", "Fills refused because a newer version or invalidation was held."}
	CacheInvalidations = Def{"mohalla_cache_invalidations_total", "Entries removed or tombstones recorded."}
	CacheErrors        = Def{"mohalla_cache_errors_total", "Failed calls to the cache's backend."}
	CacheOutages       = Def{"mohalla_cache_outages_total", "Times the cache's backend (Redis) went down."}
	CacheUp            = Def{"mohalla_cache_up", "1 while the cache serves reads, 0 while it is down or recovering."}
)

// Rate limits.
var (
	RateLimitAllowed     = Def{"mohalla_ratelimit_allowed_total", "Requests within their caller's budget."}
	RateLimitLimited     = Def{"mohalla_ratelimit_limited_total", "Requests refused with 429 for being over their caller's budget."}
	RateLimitRedisErrors = Def{"mohalla_ratelimit_redis_errors_total",
		"Failed calls to the Redis of the shared budgets, each answered by this node's own."}
	RateLimitFailOpen = Def{"mohalla_ratelimit_fail_open",
		"1 while the shared budgets' Redis is unreachable and this node limits on its own; 0 otherwise."}
)

// Logs.
var (
	LogsSuppressed = Def{"mohalla_logs_suppressed_total",
		"Log lines of the libraries (Redis, River, pgx) left out as repeats within their window, by source."}
)
