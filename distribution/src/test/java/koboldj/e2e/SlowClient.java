package koboldj.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client on a bare socket whose small receive buffer lets the server write only a little ahead
 * of its reading, so a long stream is still running when the test does something beside it.
 */
final class SlowClient implements AutoCloseable {
    private final Socket socket;

    SlowClient(ServerProcess server) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(120_000);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
    }

    /** Sends a JSON POST; read the answer with {@link #statusLine} and {@link #chunkedBody}. */
    void post(String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    String statusLine() throws IOException {
        return line(socket.getInputStream());
    }

    /** The rest of a chunked answer whose status line was read: headers skipped, body to its last chunk. */
    byte[] chunkedBody() throws IOException {
        InputStream in = socket.getInputStream();
        while (!line(in).isEmpty()) {
            // headers
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int size;
        while ((size = Integer.parseInt(line(in).strip(), 16)) > 0) {
            body.write(in.readNBytes(size));
            line(in);
        }
        return body.toByteArray();
    }

    String chunkedText() throws IOException {
        return new String(chunkedBody(), StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("the response ended early: " + line);
            }
            line.append((char) c);
        }
        return line.toString().strip();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
