// The JavaScript twin of the hello benchmark worker.

export default {
  async fetch() {
    return new Response("Hello World");
  },
};
