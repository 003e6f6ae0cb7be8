// React hooks over the live client: each follows a topic and re-renders with
// its current value. Import from "@mohallamart/client/react"; React is a peer
// dependency.
import { createContext, createElement, useContext, useEffect, useState, type ReactNode } from "react";
import type { Client } from "./client.js";
import type { LiveStatus } from "./live.js";
import type { ProblemError } from "./problem.js";
import type { Order, Product } from "./types.js";

const ClientContext = createContext<Client | null>(null);

/** MohallaProvider gives the hooks below it their client. */
export function MohallaProvider(props: { client: Client; children?: ReactNode }) {
  return createElement(ClientContext.Provider, { value: props.client }, props.children);
}

/** useClient returns the client of the nearest MohallaProvider. */
export function useClient(): Client {
  const c = useContext(ClientContext);
  if (!c) throw new Error("@mohallamart/client: a hook was used outside <MohallaProvider client={…}>");
  return c;
}

/** LiveResult is a hook's answer: the topic's value once known, the stream's status, and the problem that closed it. */
export interface LiveResult<T> {
  data: T | undefined;
  status: LiveStatus;
  error: ProblemError | undefined;
}

/**
 * useLive follows one topic ("product:p1", "shop:s1:orders", …) and returns
 * its current value, kept current by every change. An undefined or empty
 * topic follows nothing (data undefined, status "closed").
 */
export function useLive<T = unknown>(topic: string | undefined, client?: Client): LiveResult<T> {
  const ctx = useContext(ClientContext);
  const c = client ?? ctx;
  const [state, setState] = useState<LiveResult<T>>({ data: undefined, status: topic ? "connecting" : "closed", error: undefined });
  useEffect(() => {
    if (!topic) {
      setState({ data: undefined, status: "closed", error: undefined });
      return;
    }
    if (!c) throw new Error("@mohallamart/client: useLive needs a client: <MohallaProvider client={…}> or its second argument");
    setState({ data: undefined, status: "connecting", error: undefined });
    const sub = c.live.subscribe([topic], (_t, value) => setState((s) => ({ ...s, data: value as T })), {
      onStatus: (status) => setState((s) => ({ ...s, status })),
      onError: (error) => setState((s) => ({ ...s, error })),
    });
    return () => sub.close();
  }, [c, topic]);
  return state;
}

/** useProduct follows a product: its stock, price and details as they change. */
export function useProduct(id: string | undefined, client?: Client): LiveResult<Product> {
  return useLive<Product>(id ? `product:${id}` : undefined, client);
}

/** useShopOrders follows a shop's orders (its owner's or an admin's token), newest changes applied as they commit. */
export function useShopOrders(shopId: string | undefined, client?: Client): LiveResult<Order[]> {
  return useLive<Order[]>(shopId ? `shop:${shopId}:orders` : undefined, client);
}

/** useUserOrders follows a customer's orders. */
export function useUserOrders(userId: string | undefined, client?: Client): LiveResult<Order[]> {
  return useLive<Order[]>(userId ? `user:${userId}:orders` : undefined, client);
}
