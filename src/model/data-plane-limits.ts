// Limits both data-plane engines enforce the same way. Fixed values, not resource fields: they
// bound what one abusive client can make a load balancer hold, far above normal use.

/**
 * Connections one HTTP listener opens to one member at most (HTTP and HTTPS pools). A request
 * beyond it waits in line for at most timeout_member_connect, then gets 503: HAProxy's server
 * `maxconn` with `timeout queue`. The Node engine counts per worker process.
 */
export const MEMBER_CONNECTION_LIMIT = 1000;

/** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS: streams open at once per client connection (HAProxy's and nginx's default). */
export const HTTP2_MAX_CONCURRENT_STREAMS = 100;
