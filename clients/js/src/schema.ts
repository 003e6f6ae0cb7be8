// Generated from openapi.json by openapi-typescript (npm run gen). Do not edit.

export interface paths {
    "/e/{eventKey}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Inngest's event API, as the Inngest SDK's send posts
         * @description Inngest's event API, as the Inngest SDK's send posts: one event or an array ({name, data, user, id, ts, v}), validated as POST /v1/events, stored once per id, triggering the functions. eventKey is a service API key. user is accepted and not kept.
         */
        post: operations["inngestSend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The process is up
         * @description The process is up.
         */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This OpenAPI 3
         * @description This OpenAPI 3.1 document.
         */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Each component's state and latency
         * @description Each component's state and latency: the store, engine, search and cache, and Redis and SMTP when configured. Status ok, or degraded when one besides the store is not; 503 only when the store does not answer.
         */
        get: operations["ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/typesense/collections/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Typesense's collection schema, of products or shops
         * @description Typesense's collection schema, of products or shops. Needs an API key of either kind as X-TYPESENSE-API-KEY (header or query parameter).
         */
        get: operations["typesenseCollection"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/typesense/collections/{name}/documents/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Typesense's search, of products or shops, over this node's index
         * @description Typesense's search, of products or shops, over this node's index. Needs an API key of either kind as X-TYPESENSE-API-KEY (header or query parameter). A parameter this server does not support is 400 naming it, never ignored.
         */
        get: operations["typesenseSearch"];
        put?: never;
        post?: never;
        delete?: never;
        /**
         * CORS preflight of a search from a web page
         * @description CORS preflight of a search from a web page: any origin may search, with its key as X-TYPESENSE-API-KEY.
         */
        options: operations["typesenseSearchPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/typesense/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Typesense's health check, to anyone
         * @description Typesense's health check, to anyone: ok once the search index is built, else 503.
         */
        get: operations["typesenseHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/typesense/multi_search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Typesense's multi-search
         * @description Typesense's multi-search: several searches in one request, each with its collection; the query string's parameters apply to all. A search that fails has its code and error in place of its result. Needs an API key as X-TYPESENSE-API-KEY.
         */
        post: operations["typesenseMultiSearch"];
        delete?: never;
        /**
         * CORS preflight of a multi-search from a web page (InstantSearch's adapter)
         * @description CORS preflight of a multi-search from a web page (InstantSearch's adapter): any origin may search, with its key as X-TYPESENSE-API-KEY.
         */
        options: operations["typesenseMultiSearchPreflight"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the alerts, newest first
         * @description List the alerts recorded (failed runs, sync drift, follower lag, retry storms, firing or resolved), newest first, each with the message that told operators of it (none yet while its kind's window holds it back): an admin or a service.
         */
        get: operations["listAlerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/products/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A product's figures per day
         * @description A product's orders, units, revenue (net of cancellations, and gross) and views per day: the shop's owner or an admin. Sales count on the day the order was placed; a cancellation reverses them there.
         */
        get: operations["productAnalytics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/shops/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A shop's figures per day and its order funnel
         * @description A shop's orders, revenue (net and gross), average order value and cancellations per day, and the funnel of order statuses with the time spent in each: the shop's owner or an admin.
         */
        get: operations["shopAnalytics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/top-products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The 10 products with the most net revenue over the last days
         * @description The 10 products with the most net revenue over the last days: of one shop, to its owner or an admin; of all shops, to an admin.
         */
        get: operations["topProducts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the service API keys, newest first, without their secrets
         * @description List the service API keys, newest first, without their secrets: an admin.
         */
        get: operations["listApiKeys"];
        put?: never;
        /**
         * Make an API key (mk_…) of kind service (the default
         * @description Make an API key (mk_…) of kind service (the default: a caller presenting it as its bearer token acts with the service role) or search (it only searches, as the Typesense API's X-TYPESENSE-API-KEY). The key is in this answer only; the store keeps its SHA-256. An admin.
         */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke a service API key
         * @description Revoke a service API key: it stops working at once. An admin.
         */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read the audit trail, newest first
         * @description Read the audit trail, newest first: an admin all of it, a shop owner the rows of their own shops (the shop, its products, its orders).
         */
        get: operations["listAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/demo/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the accounts a demo store offers to sign in as
         * @description List the accounts a demo store offers to sign in as: to anyone. A demo store is one `mohalla seed --demo` made; one per role; an empty list on any other store.
         */
        get: operations["listDemoAccounts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/demo/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in as a demo account
         * @description Sign in as a demo account: a token (24 h) for the demo store's account of role, to anyone, on a demo store only; 404 on any other store, or for a role it offers no account of.
         */
        post: operations["createDemoToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read the event log in commit order, or newest first with order=newest
         * @description Read the event log in commit order, or newest first with order=newest: an admin or a service. Pass nextCursor as after (as before, newest first) to continue.
         */
        get: operations["listEvents"];
        put?: never;
        /**
         * Send one event or an array of them, as Inngest's send
         * @description Send one event or an array of them, as Inngest's send: an admin or a service, any event but the data layer's own; or a customer, product/viewed ({productId}) only, one per request, in their own name (data.userId becomes the caller, ts the server's clock). An id already in the log is stored once; a customer's id is stored as {userId}:{id}, so that it cannot claim one another sender will use.
         */
        post: operations["sendEvents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/functions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the registered functions with their triggers and options, to anyone
         * @description List the registered functions with their triggers and options, to anyone.
         */
        get: operations["listFunctions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/functions/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-run a function for its past events
         * @description Re-run a function for its past events with timestamps from from to to (RFC 3339, inclusive), or only those whose latest run of it ended in status: an admin. Answers how many runs were queued.
         */
        post: operations["replayFunction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow topics as Server-Sent Events
         * @description Follow topics as Server-Sent Events: product:{id} and shop:{id}:products (anyone), order:{id}, user:{id}:orders and shop:{id}:orders (those who may read them). A snapshot event carries every topic's value, then a change event follows each event-log entry as soon as its transaction commits, its id a mark of what the stream has sent (opaque: send it back as it is); reconnecting with Last-Event-ID, on any node, replays exactly what was missed, or sends reset with current values when it is too old or past the log's head. A heartbeat event every 15 s carries the latest position as its id. An end event closes the stream at its token's expiry, after an hour, or at the heartbeat after its API key is revoked: reconnect with its id. Product topics carry only a product's public fields. 429 beyond the caller's (or IP's) open streams or stream opens. The client script is at /v1/live/client.js.
         */
        get: operations["live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/metrics/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This node's metrics over the last hour
         * @description This node's metrics over the last hour, sampled every 15 s and kept in memory since it started (a new node has none): function attempts per second by outcome, each follower's lag, the cache's hit rate, and each route's requests per second and p99 latency: an admin or a service.
         */
        get: operations["metricsHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List sent messages (emails and shop notifications), newest first
         * @description List sent messages (emails and shop notifications), newest first: a user their own, an admin or a service anyone's.
         */
        get: operations["listNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a customer's or a shop's orders
         * @description List one customer's or one shop's orders; a customer naming neither gets their own.
         */
        get: operations["listOrders"];
        put?: never;
        /**
         * Place an order, reserving its stock
         * @description Place an order, reserving its stock: the customer themself or an admin.
         */
        post: operations["createOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an order
         * @description Get an order: its customer, its shop's owner, an admin or a service; to anyone else it is not found.
         */
        get: operations["getOrder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The order's changes, oldest first, from the audit trail
         * @description The order's changes, oldest first, from the audit trail: its customer, its shop's owner, an admin or a service; to anyone else it is not found. The request id, client address and API key of each change, and a webhook's address, only to an admin or the shop's owner.
         */
        get: operations["orderHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move an order to its next status, or cancel it
         * @description Move an order along pending → confirmed → packed → out_for_delivery → delivered, or cancel it: the shop's owner or an admin.
         */
        post: operations["changeOrderStatus"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the products on sale, to anyone
         * @description List the products on sale, to anyone.
         */
        get: operations["listProducts"];
        put?: never;
        /**
         * Add a product to a shop
         * @description Add a product to a shop: the shop's owner or an admin.
         */
        post: operations["createProduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create or update up to 1,000 products at once
         * @description Create or update up to 1,000 products in one transaction, each as its single write would (its events, runs and audit row); an item never changes an existing product's stock. All or nothing unless mode=partial. Each item is authorized as its single write; a batch holding any item the caller may not write is refused whole, in either mode.
         */
        post: operations["batchProducts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a product, to anyone; a discontinued one has deletedAt set
         * @description Get a product, to anyone; a discontinued one has deletedAt set.
         */
        get: operations["getProduct"];
        put?: never;
        post?: never;
        /**
         * Discontinue a product (soft delete)
         * @description Discontinue a product (soft delete): the shop's owner or an admin.
         */
        delete: operations["deleteProduct"];
        options?: never;
        head?: never;
        /**
         * Change a product's details (not its stock)
         * @description Change a product's details (not its stock): the shop's owner or an admin.
         */
        patch: operations["updateProduct"];
        trace?: never;
    };
    "/v1/products/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The product's changes, oldest first, from the audit trail
         * @description The product's changes, oldest first, from the audit trail: to anyone. The request id, client address and API key of each change, and a webhook's address, only to an admin or the shop's owner.
         */
        get: operations["productHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{id}/stock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add delta (negative to remove) to a product's stock
         * @description Add delta (negative to remove) to a product's stock: the shop's owner, an admin or a service.
         */
        post: operations["changeStock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List function runs, newest first
         * @description List function runs, newest first: an admin or a service.
         */
        get: operations["listRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/counts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Count runs by function and status
         * @description How many runs of each function are kept in each status, by function then status: an admin or a service.
         */
        get: operations["countRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a run with its steps
         * @description Get a run with its steps: an admin or a service.
         */
        get: operations["getRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a run that has not finished, answering with the run
         * @description Cancel a run that has not finished, answering with the run: an admin. An attempt under way finishes its current step and records nothing more; a finished run is 409.
         */
        post: operations["cancelRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{id}/rerun": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Queue a new run for the same event
         * @description Queue a new run of the run's function for the same event, with fresh steps, answering with its id: an admin. 409 if the function is no longer registered.
         */
        post: operations["rerunRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/search/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search products, to anyone
         * @description Search products, to anyone: typo-tolerant words (4+ letters allow one typo, 7+ two; exact matches rank first), the last word as a prefix, filters, near a point, sorted, with facet counts, a page at a time. Query text is data, never syntax.
         */
        get: operations["searchProducts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/search/shops": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Find shops near a point
         * @description Find shops near a point, nearest first, to anyone; q matches their names as product search does.
         */
        get: operations["searchShops"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shops": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List shops, to anyone
         * @description List shops, to anyone.
         */
        get: operations["listShops"];
        put?: never;
        /**
         * Create a shop
         * @description Create a shop: a shop owner for themself, or an admin.
         */
        post: operations["createShop"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shops/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a shop, to anyone
         * @description Get a shop, to anyone.
         */
        get: operations["getShop"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shops/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The shop's changes, oldest first, from the audit trail
         * @description The shop's changes, oldest first, from the audit trail: to anyone. The request id, client address and API key of each change, and a webhook's address, only to an admin or the shop's owner.
         */
        get: operations["shopHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shops/{id}/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The shop's webhook
         * @description The shop's webhook: its URL and when it was set, never its secret; 404 when none is registered: the shop's owner or an admin.
         */
        get: operations["getShopWebhook"];
        /**
         * Register the shop's order webhook
         * @description Register where the shop's new orders are posted, signed with HMAC-SHA256 of the body with secret in the Mohalla-Signature header (t=<unix>,v1=<hex> of "<t>.<body>"): the shop's owner or an admin.
         */
        put: operations["putShopWebhook"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/shops/{id}/webhook/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a test delivery to the shop's webhook
         * @description Send one signed test delivery (type webhook.test) to the shop's webhook now, without retries, and answer what it answered: its status code (0 if it could not be reached) and the error, if any. Recorded as a notification to the owner with its delivery: the shop's owner or an admin.
         */
        post: operations["testShopWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stock/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Apply up to 1,000 stock deltas at once
         * @description Apply up to 1,000 stock deltas in one transaction, in order, each as its single change would: the shop's owner, an admin or a service. All or nothing unless mode=partial; a batch holding any item the caller may not write is refused whole, in either mode.
         */
        post: operations["batchStock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sync/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a sync check now
         * @description Run a sync check now on this node, repairing what it finds, and answer with its findings: an admin or a service.
         */
        post: operations["syncCheck"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sync/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The sync monitor's last checks and the lags
         * @description The sync monitor's last checks (what each found and repaired) and the followers' current lags: an admin or a service.
         */
        get: operations["syncStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a user
         * @description Create a user: the caller itself (sub = id), an admin or a service.
         */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a user
         * @description Get a user: the user itself, an admin or a service; to anyone else it is not found.
         */
        get: operations["getUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        APIKey: {
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            id: string;
            kind: string;
            name: string;
            /** Format: date-time */
            revokedAt?: string;
        };
        APIKeyPage: {
            items: components["schemas"]["APIKey"][];
            nextCursor?: string;
        };
        Address: {
            city: string;
            pincode: string;
            state: string;
            street: string;
        };
        Alert: {
            /** Format: date-time */
            at: string;
            data?: Record<string, never>;
            id: string;
            kind: string;
            messageId?: string;
            state: string;
            subject?: string;
            summary: string;
        };
        AlertPage: {
            items: components["schemas"]["Alert"][];
            nextCursor?: string;
        };
        AuditActor: {
            id: string;
            keyId?: string;
            /** @enum {string} */
            role: "anonymous" | "customer" | "shop_owner" | "admin" | "service";
        };
        AuditEntry: {
            action: string;
            actor: components["schemas"]["AuditActor"];
            after?: unknown;
            /** Format: date-time */
            at: string;
            before?: unknown;
            clientIp?: string;
            entity: string;
            entityId: string;
            hash?: string;
            id: number;
            requestId?: string;
            seq?: number;
            shopId?: string;
        };
        AuditEntryPage: {
            items: components["schemas"]["AuditEntry"][];
            nextCursor?: string;
        };
        Batch: {
            Key: string;
            MaxSize: number;
            Timeout: number;
        };
        BatchItem: {
            id: string;
            index: number;
            result: string;
            stock?: number;
            version: number;
        };
        BatchResult: {
            errors: components["schemas"]["ItemError"][];
            failed: number;
            items: components["schemas"]["BatchItem"][];
            mode: string;
            unchanged: number;
            written: number;
        };
        Caller: {
            email?: string;
            /** @enum {string} */
            role: "anonymous" | "customer" | "shop_owner" | "admin" | "service";
            sub: string;
        };
        CancelOn: {
            Event: string;
            Match: string;
        };
        ChangeOrderStatus: {
            reason?: string;
            shopId?: string;
            /** @enum {string} */
            status: "pending" | "confirmed" | "packed" | "out_for_delivery" | "delivered" | "cancelled";
        };
        ChangeStock: {
            delta: number;
            reason?: string;
        };
        CheckResult: {
            findings: components["schemas"]["Findings"];
            summary: components["schemas"]["Summary"];
        };
        Component: {
            detail?: unknown;
            latencyMs: number;
            status: string;
        };
        Concurrency: {
            Key: string;
            Limit: number;
        };
        CreateAPIKey: {
            kind?: string;
            name: string;
        };
        CreateOrder: {
            deliveryAddress: components["schemas"]["Address"];
            id?: string;
            items: components["schemas"]["OrderLine"][];
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            totalAmount?: number;
            userId: string;
        };
        CreateProduct: {
            category: string;
            description?: string;
            id?: string;
            lowStockThreshold?: number;
            name: string;
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            price: number;
            shopId: string;
            stock: number;
            unit?: string;
        };
        CreateShop: {
            address?: string;
            id?: string;
            location: components["schemas"]["Location"];
            name: string;
            ownerId: string;
            pincode: string;
        };
        CreateUser: {
            email: string;
            id?: string;
            name: string;
            phone?: string;
        };
        Debounce: {
            Key: string;
            Period: number;
        };
        Delivery: {
            /** Format: date-time */
            at: string;
            attempt: number;
            durationMs: number;
            error?: string;
            notificationId: string;
            shopId: string;
            statusCode: number;
            url: string;
        };
        DemoAccount: {
            about?: string;
            name: string;
            /** @enum {string} */
            role: "anonymous" | "customer" | "shop_owner" | "admin" | "service";
            userId: string;
        };
        DemoAccountPage: {
            items: components["schemas"]["DemoAccount"][];
            nextCursor?: string;
        };
        DemoToken: {
            account: components["schemas"]["DemoAccount"];
            /** Format: date-time */
            expiresAt: string;
            token: string;
        };
        DemoTokenBody: {
            /** @enum {string} */
            role: "anonymous" | "customer" | "shop_owner" | "admin" | "service";
        };
        Event: {
            data: Record<string, never>;
            id: string;
            name: string;
            pos?: string;
            ts: number;
            user?: components["schemas"]["Caller"];
            v?: string;
        };
        EventPage: {
            items: components["schemas"]["Event"][];
            nextCursor?: string;
        };
        FacetCount: {
            count: number;
            value: string;
        };
        FieldError: {
            field: string;
            message: string;
        };
        Findings: {
            errors?: {
                [key: string]: string;
            };
            extraDocs: string[];
            failedRuns: components["schemas"]["RunRow"][];
            lagging: string[];
            lags: components["schemas"]["Lag"][];
            missingDocs: string[];
            staleCache: string[];
            staleDocs: string[];
            stuckRuns: components["schemas"]["RunRow"][];
        };
        FunctionInfo: {
            batch?: components["schemas"]["Batch"];
            cancelOn?: components["schemas"]["CancelOn"][];
            concurrency?: components["schemas"]["Concurrency"];
            cron?: string;
            debounce?: components["schemas"]["Debounce"];
            event?: string;
            id: string;
            idempotency?: string;
            name?: string;
            priority?: boolean;
            rateLimit?: components["schemas"]["RateLimit"];
            retries: number;
            singleton?: components["schemas"]["Singleton"];
            throttle?: components["schemas"]["Throttle"];
            timeout: string;
        };
        FunctionInfoPage: {
            items: components["schemas"]["FunctionInfo"][];
            nextCursor?: string;
        };
        FunnelStage: {
            averageMs: number;
            entered: number;
            exited: number;
            inStatus: number;
            /** @enum {string} */
            status: "pending" | "confirmed" | "packed" | "out_for_delivery" | "delivered" | "cancelled";
            totalMs: number;
        };
        Health: {
            components?: {
                [key: string]: components["schemas"]["Component"];
            };
            status: string;
        };
        Highlight: {
            name: string;
            words: string[];
        };
        InngestError: {
            error: string;
            status: number;
        };
        InngestEvent: {
            data?: Record<string, never>;
            id?: string;
            name: string;
            ts?: number;
            user?: Record<string, never>;
            v?: string;
        };
        InngestResult: {
            ids: string[];
            status: number;
        };
        ItemError: {
            code: string;
            field?: string;
            index: number;
            message: string;
        };
        Lag: {
            behind: number;
            follower: string;
            position: string;
        };
        Location: {
            lat: number;
            lng: number;
        };
        MetricsHistory: {
            everySeconds: number;
            samples: components["schemas"]["Sample"][];
        };
        NewAPIKey: {
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            id: string;
            key: string;
            kind: string;
            name: string;
            /** Format: date-time */
            revokedAt?: string;
        };
        Notification: {
            attempts: number;
            channel: string;
            /** Format: date-time */
            createdAt: string;
            data?: Record<string, never>;
            eventId?: string;
            id: string;
            messageId?: string;
            providerResponse?: string;
            recipient?: string;
            shopId?: string;
            status: string;
            subject?: string;
            template: string;
            /** Format: date-time */
            updatedAt: string;
            userId: string;
        };
        NotificationPage: {
            items: components["schemas"]["Notification"][];
            nextCursor?: string;
        };
        Order: {
            /** Format: date-time */
            createdAt: string;
            deliveryAddress: components["schemas"]["Address"];
            id: string;
            items: components["schemas"]["OrderItem"][];
            shopId: string;
            /** @enum {string} */
            status: "pending" | "confirmed" | "packed" | "out_for_delivery" | "delivered" | "cancelled";
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            totalAmount: number;
            /** Format: date-time */
            updatedAt: string;
            userId: string;
            version: number;
        };
        OrderItem: {
            name: string;
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            price: number;
            productId: string;
            quantity: number;
        };
        OrderLine: {
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            price?: number;
            productId: string;
            quantity: number;
        };
        OrderPage: {
            items: components["schemas"]["Order"][];
            nextCursor?: string;
        };
        /** @description An RFC 9457 problem. Members beyond these carry facts about the error, such as productId and stock for insufficient stock, or status and allowed for a disallowed order status change. */
        Problem: {
            /** @enum {string} */
            code?: "not_found" | "invalid" | "conflict" | "forbidden" | "unauthenticated" | "unavailable" | "internal";
            detail?: string;
            errors?: components["schemas"]["FieldError"][];
            status: number;
            title: string;
            type: string;
        } & {
            [key: string]: unknown;
        };
        Product: {
            category: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            deletedAt?: string;
            description?: string;
            id: string;
            lowStockThreshold: number;
            name: string;
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            price: number;
            shopId: string;
            stock: number;
            unit?: string;
            /** Format: date-time */
            updatedAt: string;
            version: number;
        };
        ProductBatch: {
            items: components["schemas"]["CreateProduct"][];
        };
        ProductHit: {
            category: string;
            distanceKm?: number;
            highlight?: components["schemas"]["Highlight"];
            id: string;
            name: string;
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            price: number;
            shopId: string;
            stock: number;
            unit?: string;
            version: number;
        };
        ProductPage: {
            items: components["schemas"]["Product"][];
            nextCursor?: string;
        };
        ProductReport: {
            days: components["schemas"]["ProductSales"][];
            from: string;
            name: string;
            productId: string;
            shopId: string;
            timeZone: string;
            to: string;
            totals: components["schemas"]["ProductSales"];
        };
        ProductResult: {
            facets?: {
                [key: string]: components["schemas"]["FacetCount"][];
            };
            found: number;
            hits: components["schemas"]["ProductHit"][];
            nextCursor?: string;
        };
        ProductSales: {
            cancelledOrders: number;
            day?: string;
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            grossRevenue: number;
            grossUnits: number;
            orders: number;
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            revenue: number;
            units: number;
            views: number;
        };
        PutWebhook: {
            secret: string;
            url: string;
        };
        RateLimit: {
            Key: string;
            Limit: number;
            Period: number;
        };
        ReplayBody: {
            /** Format: date-time */
            from: string;
            status?: string;
            /** Format: date-time */
            to: string;
        };
        ReplayResult: {
            queued: number;
        };
        RerunResult: {
            runId: string;
        };
        RouteSample: {
            p99Ms: number;
            perSecond: number;
            route: string;
        };
        RunCount: {
            count: number;
            function: string;
            status: string;
        };
        RunCounts: {
            items: components["schemas"]["RunCount"][];
        };
        RunDetail: {
            attempts: number;
            cancelKey?: string;
            concurrencyKey?: string;
            /** Format: date-time */
            createdAt: string;
            debounceKey?: string;
            /** Format: date-time */
            debounceUntil?: string;
            /** Format: date-time */
            delayedUntil?: string;
            /** Format: date-time */
            endedAt?: string;
            error?: string;
            eventId?: string;
            functionId: string;
            id: string;
            idempotencyKey: string;
            input?: Record<string, never>;
            /** @description any JSON value */
            output?: unknown;
            reason?: string;
            /** Format: date-time */
            startedAt?: string;
            status: string;
            steps: components["schemas"]["StepRow"][];
            /** Format: date-time */
            updatedAt: string;
        };
        RunRow: {
            attempts: number;
            cancelKey?: string;
            concurrencyKey?: string;
            /** Format: date-time */
            createdAt: string;
            debounceKey?: string;
            /** Format: date-time */
            debounceUntil?: string;
            /** Format: date-time */
            delayedUntil?: string;
            /** Format: date-time */
            endedAt?: string;
            error?: string;
            eventId?: string;
            functionId: string;
            id: string;
            idempotencyKey: string;
            input?: Record<string, never>;
            /** @description any JSON value */
            output?: unknown;
            reason?: string;
            /** Format: date-time */
            startedAt?: string;
            status: string;
            /** Format: date-time */
            updatedAt: string;
        };
        RunRowPage: {
            items: components["schemas"]["RunRow"][];
            nextCursor?: string;
        };
        Sample: {
            /** Format: date-time */
            at: string;
            cacheHitRate?: number;
            followerLag: {
                [key: string]: number;
            };
            routes: components["schemas"]["RouteSample"][];
            runsPerSecond: {
                [key: string]: number;
            };
            seconds: number;
        };
        SendEvent: {
            data?: Record<string, never>;
            id?: string;
            name: string;
            ts?: number;
            v?: string;
        };
        SendResult: {
            ids: string[];
            status: number;
        };
        Shop: {
            address?: string;
            /** Format: date-time */
            createdAt: string;
            id: string;
            location: components["schemas"]["Location"];
            name: string;
            ownerId: string;
            pincode: string;
            /** Format: date-time */
            updatedAt: string;
            version: number;
        };
        ShopHit: {
            address?: string;
            distanceKm: number;
            highlight?: components["schemas"]["Highlight"];
            id: string;
            location: components["schemas"]["Location"];
            name: string;
            pincode: string;
            version: number;
        };
        ShopPage: {
            items: components["schemas"]["Shop"][];
            nextCursor?: string;
        };
        ShopReport: {
            days: components["schemas"]["ShopSales"][];
            from: string;
            funnel: components["schemas"]["FunnelStage"][];
            name: string;
            shopId: string;
            timeZone: string;
            to: string;
            totals: components["schemas"]["ShopSales"];
        };
        ShopResult: {
            found: number;
            hits: components["schemas"]["ShopHit"][];
            nextCursor?: string;
        };
        ShopSales: {
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            averageOrderValue: number;
            cancellations: number;
            cancelledOrders: number;
            day?: string;
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            grossRevenue: number;
            orders: number;
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            revenue: number;
        };
        Singleton: {
            Key: string;
            Mode: string;
        };
        Status: {
            checks: components["schemas"]["SyncCheck"][];
            lags: components["schemas"]["Lag"][];
        };
        StepRow: {
            attempts: number;
            durationMs: number;
            /** Format: date-time */
            endedAt?: string;
            error?: string;
            id: string;
            kind: string;
            /** @description any JSON value */
            output?: unknown;
            runId: string;
            seq: number;
            /** Format: date-time */
            startedAt: string;
            status: string;
            wait?: Record<string, never>;
            /** Format: date-time */
            wakeAt?: string;
        };
        StockBatch: {
            items: components["schemas"]["StockItem"][];
        };
        StockItem: {
            delta: number;
            productId: string;
            reason?: string;
        };
        Summary: {
            checkId: string;
            drift: boolean;
            evicted: number;
            extraDocs: number;
            failedRuns: number;
            lagging?: string[];
            missingDocs: number;
            reindexed: number;
            staleCache: number;
            staleDocs: number;
            stuckRuns: number;
        };
        SyncCheck: {
            drift: boolean;
            durationMs: number;
            findings: Record<string, never>;
            id: string;
            repaired: Record<string, never>;
            /** Format: date-time */
            startedAt: string;
        };
        Throttle: {
            Burst: number;
            Key: string;
            Limit: number;
            Period: number;
        };
        TopProduct: {
            name: string;
            productId: string;
            rank: number;
            sales: components["schemas"]["ProductSales"];
            shopId: string;
        };
        TopProducts: {
            days: number;
            from: string;
            items: components["schemas"]["TopProduct"][];
            shopId?: string;
            timeZone: string;
            to: string;
        };
        TypesenseCollection: {
            created_at: number;
            default_sorting_field: string;
            fields: components["schemas"]["TypesenseField"][];
            name: string;
            num_documents: number;
        };
        TypesenseError: {
            message: string;
        };
        TypesenseFacetCount: {
            count: number;
            highlighted: string;
            value: string;
        };
        TypesenseFacetCounts: {
            counts: components["schemas"]["TypesenseFacetCount"][];
            field_name: string;
            sampled: boolean;
        };
        TypesenseField: {
            facet: boolean;
            index: boolean;
            name: string;
            optional: boolean;
            sort: boolean;
            type: string;
        };
        TypesenseHealth: {
            ok: boolean;
        };
        TypesenseHighlight: {
            field?: string;
            matched_tokens: string[];
            snippet: string;
        };
        TypesenseHit: {
            document: unknown;
            geo_distance_meters?: {
                [key: string]: number;
            };
            highlight: {
                [key: string]: components["schemas"]["TypesenseHighlight"];
            };
            highlights: components["schemas"]["TypesenseHighlight"][];
            text_match: number;
        };
        TypesenseMultiSearchBody: {
            searches: {
                [key: string]: unknown;
            }[];
        };
        TypesenseMultiSearchResult: {
            results: unknown[];
        };
        TypesenseRequestParams: {
            collection_name: string;
            per_page: number;
            q: string;
        };
        TypesenseSearchResult: {
            facet_counts: components["schemas"]["TypesenseFacetCounts"][];
            found: number;
            hits: components["schemas"]["TypesenseHit"][];
            out_of: number;
            page: number;
            request_params: components["schemas"]["TypesenseRequestParams"];
            search_time_ms: number;
        };
        UpdateProduct: {
            category?: string;
            description?: string;
            lowStockThreshold?: number;
            name?: string;
            /** @description an amount in rupees with at most two decimals, kept exactly as integer paise */
            price?: number;
            unit?: string;
        };
        User: {
            /** Format: date-time */
            createdAt: string;
            email: string;
            id: string;
            name: string;
            phone?: string;
            /** Format: date-time */
            updatedAt: string;
            version: number;
        };
        Webhook: {
            /** Format: date-time */
            createdAt: string;
            shopId: string;
            /** Format: date-time */
            updatedAt: string;
            url: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    inngestSend: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                eventKey: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InngestEvent"][];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InngestResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InngestError"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InngestError"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InngestError"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InngestError"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InngestError"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InngestError"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    openapi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    typesenseCollection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseCollection"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
        };
    };
    typesenseSearch: {
        parameters: {
            query?: {
                /** @description words to find in names; * for every document */
                q?: string;
                /** @description name, the one field searched */
                query_by?: string;
                /** @description one weight per query_by field */
                query_by_weights?: string;
                /** @description clauses joined by &&: category and shopId (:=value or :[a,b]), price (:>, :>=, :<, :<=, := or :[a..b], rupees), stock:>0, location:(lat, lng, r km) */
                filter_by?: string;
                /** @description category and/or shopId */
                facet_by?: string;
                /** @description values per facet, 1 to 20; default 10 */
                max_facet_values?: number;
                /** @description _text_match:desc (default), price:asc, price:desc or location(lat,lng):asc */
                sort_by?: string;
                /** @description from 1; default 1 */
                page?: number;
                /** @description 0 to 100; default 10 */
                per_page?: number;
                /** @description name (default) or none */
                highlight_fields?: string;
                /** @description name */
                highlight_full_fields?: string;
                /** @description 0, or 2 (default: words of 4+ letters allow one typo, 7+ two) */
                num_typos?: number;
                /** @description true (default): the last word is a prefix */
                prefix?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseSearchResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
        };
    };
    typesenseSearchPreflight: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
        };
    };
    typesenseHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseHealth"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseHealth"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseHealth"];
                };
            };
        };
    };
    typesenseMultiSearch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TypesenseMultiSearchBody"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseMultiSearchResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
        };
    };
    typesenseMultiSearchPreflight: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TypesenseError"];
                };
            };
        };
    };
    listAlerts: {
        parameters: {
            query?: {
                /** @description page size, 1 to 500; default 50 */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    productAnalytics: {
        parameters: {
            query?: {
                /** @description the first day, YYYY-MM-DD, in the analytics time zone (Asia/Kolkata by default); default 29 days before to */
                from?: string;
                /** @description the last day, YYYY-MM-DD, included; default today. The range spans at most 366 days */
                to?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductReport"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    shopAnalytics: {
        parameters: {
            query?: {
                /** @description the first day, YYYY-MM-DD, in the analytics time zone (Asia/Kolkata by default); default 29 days before to */
                from?: string;
                /** @description the last day, YYYY-MM-DD, included; default today. The range spans at most 366 days */
                to?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShopReport"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    topProducts: {
        parameters: {
            query?: {
                /** @description only this shop's products; without it, every shop's (admins only) */
                shopId?: string;
                /** @description the last this many days, today included, 1 to 90; default 7 */
                days?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TopProducts"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["APIKeyPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateAPIKey"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NewAPIKey"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAudit: {
        parameters: {
            query?: {
                /** @description only rows about this kind of entity: user, shop, product, order, apikey, run, function, event, sync or route */
                entity?: string;
                /** @description only rows about the entity with this id */
                id?: string;
                /** @description only rows of this actor (a user id, or apikey-<key id>) */
                actor?: string;
                /** @description only rows of this action, such as order.status or refused */
                action?: string;
                /** @description only rows at or after this RFC 3339 time */
                from?: string;
                /** @description only rows at or before this RFC 3339 time */
                to?: string;
                /** @description page size, 1 to 500; default 50 */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEntryPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDemoAccounts: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DemoAccountPage"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createDemoToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DemoTokenBody"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DemoToken"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @description only events of this name */
                name?: string;
                /** @description a position (tx-id, as in nextCursor); only events after it */
                after?: string;
                /** @description oldest (the default: commit order) or newest */
                order?: "oldest" | "newest";
                /** @description with order=newest, a position (as in nextCursor); only events before it */
                before?: string;
                /** @description at most this many, 1 to 1000; default 100 */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    sendEvents: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendEvent"] | components["schemas"]["SendEvent"][];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SendResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listFunctions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FunctionInfoPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replayFunction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReplayBody"];
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplayResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    live: {
        parameters: {
            query?: {
                /** @description comma-separated topics, required */
                topics?: string;
                /** @description a JWT, for browsers, whose EventSource sends no Authorization header */
                token?: string;
                /** @description the id of the last event seen, as the Last-Event-ID header */
                lastEventId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    metricsHistory: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MetricsHistory"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listNotifications: {
        parameters: {
            query?: {
                /** @description only this user's messages; default the caller's own */
                userId?: string;
                /** @description page size, 1 to 500; default 50 */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listOrders: {
        parameters: {
            query?: {
                /** @description only this customer's orders */
                userId?: string;
                /** @description only this shop's orders */
                shopId?: string;
                /** @description oldest (the default) or newest first, by id: the time order of the ids the server makes */
                order?: "oldest" | "newest";
                /** @description page size, 1 to 500; default 50 */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description makes the create safe to repeat: the same key and body return the first result */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateOrder"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    orderHistory: {
        parameters: {
            query?: {
                /** @description page size, 1 to 500; default 50 */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEntryPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    changeOrderStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeOrderStatus"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listProducts: {
        parameters: {
            query?: {
                /** @description only this shop's products */
                shopId?: string;
                /** @description only this category */
                category?: string;
                /** @description page size, 1 to 500; default 50 */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createProduct: {
        parameters: {
            query?: never;
            header?: {
                /** @description makes the create safe to repeat: the same key and body return the first result */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateProduct"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    batchProducts: {
        parameters: {
            query?: {
                /** @description atomic (the default): every item or none; partial: write the items that pass and list the others' errors */
                mode?: "atomic" | "partial";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProductBatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No Content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProduct"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    productHistory: {
        parameters: {
            query?: {
                /** @description page size, 1 to 500; default 50 */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEntryPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    changeStock: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangeStock"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listRuns: {
        parameters: {
            query?: {
                /** @description only this function's runs */
                function?: string;
                /** @description only runs in this status: queued, running, sleeping, waiting, completed, failed, cancelled or skipped */
                status?: "queued" | "running" | "sleeping" | "waiting" | "completed" | "failed" | "cancelled" | "skipped";
                /** @description only the runs this event id triggered */
                event?: string;
                /** @description page size, 1 to 500; default 50 */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunRowPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    countRuns: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunCounts"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunDetail"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunDetail"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rerunRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RerunResult"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    searchProducts: {
        parameters: {
            query?: {
                /** @description words to find in product names, at most 200 characters */
                q?: string;
                /** @description only this category */
                category?: string;
                /** @description only this shop's products */
                shopId?: string;
                /** @description only products at least this price, in rupees (49.5) */
                minPrice?: string;
                /** @description only products at most this price, in rupees */
                maxPrice?: string;
                /** @description true: only products in stock */
                inStock?: "true" | "false";
                /** @description lat,lng: give each hit its shop's distance from here */
                near?: string;
                /** @description with near: only products of shops within this many km, at most 50 */
                radiusKm?: string;
                /** @description relevance (default), price_asc, price_desc, distance (needs near) or newest */
                sort?: "relevance" | "price_asc" | "price_desc" | "distance" | "newest";
                /** @description comma-separated: category and/or shopId, counted over all matches */
                facets?: string;
                /** @description hits per page, 1 to 100; default 20 */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductResult"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    searchShops: {
        parameters: {
            query?: {
                /** @description lat,lng, required */
                near?: string;
                /** @description within this many km, at most 50; default 5 */
                radiusKm?: string;
                /** @description words to find in shop names */
                q?: string;
                /** @description hits per page, 1 to 100; default 20 */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShopResult"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listShops: {
        parameters: {
            query?: {
                /** @description page size, 1 to 500; default 50 */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShopPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createShop: {
        parameters: {
            query?: never;
            header?: {
                /** @description makes the create safe to repeat: the same key and body return the first result */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateShop"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Shop"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getShop: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Shop"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    shopHistory: {
        parameters: {
            query?: {
                /** @description page size, 1 to 500; default 50 */
                limit?: number;
                /** @description the nextCursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEntryPage"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getShopWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putShopWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PutWebhook"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    testShopWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Delivery"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    batchStock: {
        parameters: {
            query?: {
                /** @description atomic (the default): every item or none; partial: write the items that pass and list the others' errors */
                mode?: "atomic" | "partial";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StockBatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    syncCheck: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckResult"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    syncStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Status"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: {
                /** @description makes the create safe to repeat: the same key and body return the first result */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateUser"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Entity Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    /** @description what is left of it, as "name";r=remaining;t=seconds-to-full */
                    RateLimit?: string;
                    /** @description the budget, as "name";q=quota;w=window-seconds */
                    "RateLimit-Policy"?: string;
                    /** @description seconds until the budget allows a request */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
