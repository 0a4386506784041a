// The JavaScript twin of the kv benchmark worker: the same sequential reads of one KV value.

const GETS = 1000;

export default {
  async fetch(request, env) {
    let total = 0;
    for (let index = 0; index < GETS; index++) {
      const value = await env.KV.get("value");
      total += value === null ? 0 : value.length;
    }
    return new Response(String(total));
  },
};
