// The JavaScript twin of the stream benchmark worker: 1 MiB pulled as 128 chunks of 8 KiB.

const CHUNK_SIZE = 8 * 1024;
const CHUNKS = 128;

export default {
  async fetch() {
    let index = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (index === CHUNKS) {
          controller.close();
          return;
        }
        controller.enqueue(new Uint8Array(CHUNK_SIZE).fill(index % 256));
        index++;
      },
    });
    return new Response(body);
  },
};
