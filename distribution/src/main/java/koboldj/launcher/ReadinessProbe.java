package koboldj.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Waits until the server answers {@code GET /api/extra/version} with 200: only then is it
 * serving, since the port opens before the REST whiteboard has its resources. A bare socket keeps
 * the probe from loading an HTTP client's classes into the start-up path.
 */
final class ReadinessProbe {
    private final String host;
    private final int port;

    ReadinessProbe(String host, int port) {
        this.host = host;
        this.port = port;
    }

    boolean await(Duration timeout) {
        return Polling.until(timeout, Duration.ofMillis(15), this::answers);
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 200);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/extra/version HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }
}
