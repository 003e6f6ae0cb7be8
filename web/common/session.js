// The signed-in caller every page shares. The token is kept in this tab's
// sessionStorage (gone when the tab closes, never shown again once taken); a
// page opened with ?token=… takes it and drops it from the address, so it
// stays out of the history and bookmarks. Pages call MohallaSession.api for
// the HTTP API: it sends the token and throws the server's problem+json.
"use strict";
const MohallaSession = (() => {
  const key = "mohalla.token";
  const params = new URLSearchParams(location.search);
  if (params.has("token")) {
    if (params.get("token")) sessionStorage.setItem(key, params.get("token").trim());
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.size ? "?" + params : "") + location.hash);
  }

  // claims returns a token's subject, role and expiry, or null when it is not
  // a JWT; the server, not this, decides whether it is good.
  function claims(token) {
    try {
      const c = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      return { id: String(c.sub || ""), role: String(c.role || ""), email: c.email || "", exp: c.exp || 0 };
    } catch (e) {
      return null;
    }
  }

  const roles = { customer: "customer", shop_owner: "shop owner", admin: "admin", service: "service" };

  const session = {
    token() { return sessionStorage.getItem(key) || ""; },
    // caller is the signed-in caller, or null (none, not a JWT, or expired).
    caller() {
      const t = session.token();
      const c = t && claims(t);
      if (!c && t.startsWith("mk_")) return { id: "API key", role: "service", exp: 0 };
      if (!c || (c.exp && c.exp * 1000 < Date.now())) return null;
      return c;
    },
    roleName(role) { return roles[role] || role; },
    // signIn and signOut change the caller; pages hear of it by the
    // document's "mohalla:session" event.
    signIn(token) { sessionStorage.setItem(key, token.trim()); changed(); },
    signOut() { sessionStorage.removeItem(key); changed(); },
    // api calls the HTTP API with the token and returns the answer's JSON
    // (null for 204); a failure throws the problem+json, with its status.
    async api(path, options) {
      const o = Object.assign({ method: "GET" }, options || {});
      const headers = Object.assign({}, o.headers || {});
      if (session.token()) headers.Authorization = "Bearer " + session.token();
      let body = o.body;
      if (body !== undefined && typeof body !== "string") {
        body = JSON.stringify(body);
        headers["Content-Type"] = "application/json";
      }
      let r;
      try {
        r = await fetch(path, { method: o.method, headers, body });
      } catch (e) {
        throw { status: 0, title: "Offline", detail: "the server did not answer: check your connection and try again" };
      }
      if (r.status === 204) return null;
      const data = await r.json().catch(() => ({ status: r.status, detail: r.statusText }));
      if (!r.ok) throw Object.assign({ status: r.status }, data);
      return data;
    },
    // say puts a problem in plain words, with what to do: want is what the
    // page needs (such as "Sign in with a shop owner's token.").
    say(p, want) {
      if (!p) return "";
      const said = p.detail || p.title || "";
      switch (p.status) {
        case 0: return "Could not reach the server: check your connection and try again.";
        case 401: return "You are not signed in, or your sign-in has expired. " + want;
        case 403: return "This account may not do that (" + said + "). " + want;
        case 409: return said || "That changed meanwhile: look again and retry.";
        case 422: return "Please correct: " + ((p.errors || []).map((f) => f.field + " " + f.message).join("; ") || said);
      }
      return MohallaSession.explain(p);
    },
    // explain turns a problem into words a person can act on.
    explain(p) {
      if (!p) return "";
      if (p.status === 401) return "Sign in first: your token is missing, wrong or expired (sign in on the home page).";
      if (p.status === 403) return "This account may not do that: " + (p.detail || "forbidden") + ".";
      if (p.status === 429) return "Too many requests: wait a moment and try again.";
      return (p.detail || p.title || "Something went wrong") +
        (p.errors && p.errors.length ? ": " + p.errors.map((e) => e.field + " " + e.message).join("; ") : "");
    },
  };

  // render fills every [data-session] element with who is signed in and a
  // sign-out button, or a link to sign in.
  function render() {
    for (const el of document.querySelectorAll("[data-session]")) {
      el.textContent = "";
      const c = session.caller();
      if (!c) {
        const a = document.createElement("a");
        a.href = "/#signin";
        a.textContent = "Sign in";
        el.appendChild(a);
        continue;
      }
      const who = document.createElement("span");
      who.className = "session-who";
      who.textContent = c.id + " (" + session.roleName(c.role) + ")";
      const out = document.createElement("button");
      out.type = "button";
      out.className = "link-button";
      out.textContent = "Sign out";
      out.addEventListener("click", () => session.signOut());
      el.append(who, " ", out);
    }
  }
  function changed() {
    render();
    document.dispatchEvent(new Event("mohalla:session"));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
  else render();
  return session;
})();
