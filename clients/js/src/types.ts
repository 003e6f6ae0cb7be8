import type { components, operations } from "./schema.js";

type S = components["schemas"];
export type User = S["User"];
export type CreateUser = S["CreateUser"];
export type Shop = S["Shop"];
export type Product = S["Product"];
export type CreateProduct = S["CreateProduct"];
export type UpdateProduct = S["UpdateProduct"];
export type ChangeStock = S["ChangeStock"];
export type Order = S["Order"];
export type OrderStatus = Order["status"];
export type CreateOrder = S["CreateOrder"];
export type ChangeOrderStatus = S["ChangeOrderStatus"];
export type OrderPage = S["OrderPage"];
export type ProductResult = S["ProductResult"];
export type ProductHit = S["ProductHit"];
export type SendResult = S["SendResult"];
/** SendEvent is an event sent from outside, such as product/viewed; data is any JSON object. */
export type SendEvent = Omit<S["SendEvent"], "data"> & { data?: Record<string, unknown> };
export type ListOrdersQuery = NonNullable<operations["listOrders"]["parameters"]["query"]>;

type SearchQuery = NonNullable<operations["searchProducts"]["parameters"]["query"]>;
/** SearchProductsQuery is GET /v1/search/products's query, with numbers and booleans as such. */
export type SearchProductsQuery = Omit<SearchQuery, "minPrice" | "maxPrice" | "inStock" | "near" | "radiusKm" | "facets"> & {
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  near?: { lat: number; lng: number };
  radiusKm?: number;
  facets?: ("category" | "shopId")[];
};
