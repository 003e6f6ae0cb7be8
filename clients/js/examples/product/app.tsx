// A product page on the React hooks: its stock follows the server's as it
// changes. The Go test clients/jsclienttest opens it in headless Chromium
// (npm run build:example bundles it to dist/example/app.js).
import { createRoot } from "react-dom/client";
import { createClient } from "../../src/index.js";
import { MohallaProvider, useProduct } from "../../src/react.js";

const params = new URLSearchParams(location.search);
const client = createClient({ token: params.get("token") ?? undefined });

function Product({ id }: { id: string }) {
  const { data, status, error } = useProduct(id);
  if (error) return <p id="error">{error.status} {error.detail}</p>;
  return (
    <section>
      <h1 id="name">{data?.name ?? "…"}</h1>
      <p>In stock: <span id="stock">{data?.stock ?? ""}</span></p>
      <p>Stream: <span id="status">{status}</span></p>
    </section>
  );
}

createRoot(document.getElementById("root")!).render(
  <MohallaProvider client={client}>
    <Product id={params.get("product") ?? ""} />
  </MohallaProvider>,
);
