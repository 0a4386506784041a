// The JavaScript twin of the d1 benchmark worker. Copying each row into an object of its five
// fields is the closest JavaScript counterpart of deserializing it into a struct.

function toItem(row) {
  return { id: row.id, name: row.name, email: row.email, score: row.score, visits: row.visits };
}

export default {
  async fetch(request, env) {
    const { results } = await env.DB.prepare(
      "SELECT id, name, email, score, visits FROM items",
    ).all();
    const items = results.map(toItem);
    let textBytes = 0;
    let numbers = 0;
    let score = 0;
    for (const item of items) {
      textBytes += item.name.length + item.email.length;
      numbers += item.id + item.visits;
      score += item.score;
    }
    return new Response(`${items.length} ${textBytes} ${numbers} ${score}`);
  },
};
