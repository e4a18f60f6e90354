package koboldj.e2e;

import static koboldj.e2e.PlatformE2EIT.error;
import static koboldj.e2e.PlatformE2EIT.json;
import static koboldj.e2e.PlatformE2EIT.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;

/**
 * The audio bundle is hot-deployable: taking its jar out of the running server while a text stream
 * and a speech stream run turns speech off (its routes answer 503 naming --ttsmodel, version says
 * tts false), both streams still end properly, and putting the jar back brings speech back, all in
 * the same process.
 */
class AudioHotSwapE2EIT {
    private static final Path BUNDLES = Path.of(System.getProperty("koboldj.runtime", "target/koboldj")).resolve("bundles");
    private static final String LONG_TEXT = "{\"prompt\":\"Once upon a time\",\"max_length\":3000,\"max_context_length\":8192,"
            + "\"ban_eos_token\":true,\"temperature\":0}";

    @Test
    void takeTheAudioBundleOutWhileStreamsRunAndPutItBack() throws Exception {
        TtsE2EIT.requireEspeak();
        Path jar = BUNDLES.resolve("koboldj.audio.jar");
        Path aside = Files.createTempDirectory("koboldj-audio-aside").resolve("koboldj.audio.jar");
        try (ServerProcess server = ServerProcess.withTextModel("--contextsize", "8192", "--ttsmodel", "espeak-ng");
                Socket text = slowClient(server); Socket speech = slowClient(server)) {
            long pid = server.pid();
            assertTrue(within(60_000, () -> json(server.get("/api/extra/version")).path("tts").asBoolean()), server.output());
            send(text, "/api/extra/generate/stream", LONG_TEXT);
            send(speech, "/api/extra/tts", TtsE2EIT.body("The quick brown fox jumps over the lazy dog. ".repeat(90), "alloy", null));
            assertTrue(within(10_000, () -> json(server.get("/api/extra/perf")).path("running").asInt() == 1),
                    "the text stream runs");
            InputStream speechIn = speech.getInputStream();
            assertTrue(line(speechIn).startsWith("HTTP/1.1 200"), "speech streams");

            Files.move(jar, aside, StandardCopyOption.REPLACE_EXISTING);
            try {
                assertTrue(within(10_000, () -> !json(server.get("/api/extra/version")).path("tts").asBoolean()),
                        "the tts flag drops\n" + server.output());
                assertTrue(within(10_000, () -> server.post("/api/extra/tts", "{\"input\":\"Hi.\"}").statusCode() == 503),
                        "speech answers 503 once the bundle is gone");
                assertTrue(error(server.post("/api/extra/tts", "{\"input\":\"Hi.\"}"), 503).path("detail").path("msg").asText()
                        .contains("--ttsmodel"), "the error names the flag that turns speech on");
                error(server.post("/v1/audio/speech", "{\"input\":\"Hi.\"}"), 503);
                error(server.get("/api/extra/tts/voices"), 503);

                String events = dechunkedBody(text.getInputStream(), true);
                assertTrue(events.strip().endsWith("}") && events.contains("\"finish_reason\":\"length\""),
                        "the text stream ran to its end: ..." + events.substring(Math.max(0, events.length() - 300)));
                byte[] wav = dechunkedBytes(speechIn);
                assertTrue(wav.length > 44 && new String(wav, 0, 4, StandardCharsets.US_ASCII).equals("RIFF"),
                        "the speech stream ended properly with what was spoken: " + wav.length + " bytes");
            } finally {
                Files.move(aside, jar, StandardCopyOption.REPLACE_EXISTING);
            }
            assertTrue(within(30_000, () -> json(server.get("/api/extra/version")).path("tts").asBoolean()),
                    "speech comes back\n" + server.output());
            assertTrue(within(10_000, () -> server.post("/api/extra/tts", "{\"input\":\"Hello again.\"}").statusCode() == 200),
                    "speech answers again");
            assertEquals(pid, server.pid());
            assertTrue(server.isAlive());
        }
    }

    /** A client whose small receive buffer lets the server write only a little ahead of its reading. */
    private static Socket slowClient(ServerProcess server) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(120_000);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        return socket;
    }

    private static void send(Socket socket, String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static String dechunkedBody(InputStream in, boolean withStatus) throws IOException {
        if (withStatus) {
            String status = line(in);
            assertTrue(status.startsWith("HTTP/1.1 200"), status);
        }
        return new String(dechunkedBytes(in), StandardCharsets.UTF_8);
    }

    /** The rest of a chunked response whose status line was read: headers skipped, body to its last chunk. */
    private static byte[] dechunkedBytes(InputStream in) throws IOException {
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
}
