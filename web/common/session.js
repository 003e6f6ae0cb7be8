// MohallaSession: the signed-in token of the pages, kept in sessionStorage (so
// it lasts for the tab and never shows on screen again), the API calls made
// with it, and problems said in plain words. No build step:
//
//   <script src="/common/session.js"></script>
//   const token = MohallaSession.token();   // takes ?token= once, then drops it from the address
//   const shops = await MohallaSession.api("/v1/shops");
//   catch (p) { show(MohallaSession.plain(p, "Sign in with a shop owner's token.")); }
(function (global) {
  "use strict";
  const KEY = "mohalla.token";

  // token returns the token of this tab: one passed as ?token= (kept, and
  // taken out of the address, the history and bookmarks), or the one kept.
  function token() {
    const q = new URLSearchParams(location.search);
    const t = q.get("token");
    if (t) {
      sessionStorage.setItem(KEY, t.trim());
      q.delete("token");
      const rest = q.toString();
      history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
    }
    return sessionStorage.getItem(KEY) || "";
  }

  function signIn(t) { sessionStorage.setItem(KEY, t.trim()); }
  function signOut() { sessionStorage.removeItem(KEY); }

  // claims are the token's JWT claims ({sub, role, exp}), or null for an API
  // key or anything unreadable. They are only shown, never trusted: the
  // server checks every call.
  function claims(t) {
    try {
      const p = (t || token()).split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(p));
    } catch (e) {
      return null;
    }
  }

  // api calls the API with the token and returns the JSON answer; a failure
  // throws the server's problem+json (or one made from the status).
  async function api(path, opts) {
    opts = opts || {};
    const headers = { Accept: "application/json" };
    const t = token();
    if (t) headers.Authorization = "Bearer " + t;
    let body;
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    let r;
    try {
      r = await fetch(path, { method: opts.method || "GET", headers, body });
    } catch (e) {
      throw { status: 0, detail: "the server did not answer (" + e.message + ")" };
    }
    if (r.status === 204) return null;
    const answer = await r.json().catch(() => ({ status: r.status, detail: r.statusText }));
    if (!r.ok) {
      if (!answer.status) answer.status = r.status;
      throw answer;
    }
    return answer;
  }

  // plain says what went wrong and what to do, for people: want is what the
  // page needs (such as "Sign in with a shop owner's token.").
  function plain(p, want) {
    if (!p) return "";
    const said = p.detail || p.title || "";
    switch (p.status) {
      case 0: return "Could not reach the server: check your connection and try again.";
      case 401: return "You are not signed in, or your sign-in has expired. " + (want || "Sign in again.");
      case 403: return "This account may not do that (" + said + "). " + (want || "Sign in with an account that may.");
      case 404: return "Not found: " + said;
      case 409: return said || "That changed meanwhile: look again and retry.";
      case 422: {
        const fields = (p.errors || p.fields || []).map((f) => (f.field ? f.field + " " : "") + (f.message || "")).join("; ");
        return "Please correct: " + (fields || said);
      }
      case 429: return "Too many requests: wait a moment and try again.";
      case 503: return "The server cannot do this right now: " + said;
    }
    return (p.status ? "Error " + p.status + ": " : "") + (said || "something went wrong");
  }

  global.MohallaSession = { token, signIn, signOut, claims, api, plain };
})(window);
