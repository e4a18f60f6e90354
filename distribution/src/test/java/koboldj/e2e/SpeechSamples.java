package koboldj.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;

/**
 * The audio the transcription tests send, made from {@code ../shared/audio/jfk.wav} (16 kHz mono
 * PCM16): WAV variants written here, Ogg/Opus encoded here, FLAC and Ogg/Vorbis by SoX.
 */
final class SpeechSamples {
    static final int RATE = 16_000;

    private SpeechSamples() {
    }

    static Path shared(String relative) {
        Path root = Path.of(System.getProperty("koboldj.root", "..")).toAbsolutePath().normalize();
        return root.resolve("../shared").resolve(relative).normalize();
    }

    /** A file from ../shared that a test needs: missing, it fails in CI and skips elsewhere. */
    static Path required(String relative) {
        Path file = shared(relative);
        if (!Files.isRegularFile(file)) {
            String message = file + " is missing (it comes with ../shared beside the project)";
            if (System.getenv("CI") != null) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return file;
    }

    static byte[] jfkWav() throws IOException {
        return Files.readAllBytes(required("audio/jfk.wav"));
    }

    /** The speech as numbers in [-1, 1], from the 44-byte-header PCM16 file. */
    static float[] jfk() throws IOException {
        ByteBuffer data = ByteBuffer.wrap(jfkWav()).order(ByteOrder.LITTLE_ENDIAN);
        data.position(44);
        float[] samples = new float[data.remaining() / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = data.getShort() / 32768f;
        }
        return samples;
    }

    /** The speech repeated to at least {@code seconds}. */
    static float[] repeated(float[] speech, int seconds) {
        float[] out = new float[seconds * RATE];
        for (int i = 0; i < out.length; i++) {
            out[i] = speech[i % speech.length];
        }
        return out;
    }

    /** To another rate by linear interpolation: plain, but enough to make a test file. */
    static float[] atRate(float[] samples, int rate) {
        float[] out = new float[(int) ((long) samples.length * rate / RATE)];
        for (int i = 0; i < out.length; i++) {
            double at = i * (double) RATE / rate;
            int k = Math.min((int) at, samples.length - 2);
            double fraction = at - k;
            out[i] = (float) (samples[k] * (1 - fraction) + samples[k + 1] * fraction);
        }
        return out;
    }

    /** Integer PCM WAV of 8 (unsigned) or 16 bits, every channel the same signal. */
    static byte[] wav(float[] samples, int rate, int channels, int bits) {
        int bytes = bits / 8;
        ByteBuffer out = ByteBuffer.allocate(44 + samples.length * channels * bytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes()).putInt(36 + samples.length * channels * bytes).put("WAVE".getBytes());
        out.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bytes).putShort((short) (channels * bytes)).putShort((short) bits);
        out.put("data".getBytes()).putInt(samples.length * channels * bytes);
        for (float sample : samples) {
            for (int c = 0; c < channels; c++) {
                if (bits == 8) {
                    out.put((byte) (Math.round(sample * 127) + 128));
                } else {
                    out.putShort((short) Math.round(sample * 32767));
                }
            }
        }
        return out.array();
    }

    /** Ogg/Opus at 48 kHz mono in 20 ms frames, as a browser's recorder makes it. */
    static byte[] oggOpus(float[] samples) throws Exception {
        float[] at48 = atRate(samples, 48_000);
        int frame = 960;
        OpusEncoder encoder = new OpusEncoder(48_000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        StreamState stream = new StreamState();
        stream.init(0x4B4F4244);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes()).put((byte) 1).put((byte) 1).putShort((short) 312).putInt(RATE).putShort((short) 0).put((byte) 0);
        packet(stream, head.array(), 0, true, false, 0);
        flush(stream, file);
        ByteBuffer tags = ByteBuffer.allocate(8 + 4 + 7 + 4).order(ByteOrder.LITTLE_ENDIAN);
        tags.put("OpusTags".getBytes()).putInt(7).put("koboldj".getBytes()).putInt(0);
        packet(stream, tags.array(), 1, false, false, 0);
        flush(stream, file);
        short[] pcm = new short[frame];
        byte[] out = new byte[4000];
        int frames = at48.length / frame;
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < frame; i++) {
                pcm[i] = (short) Math.round(at48[f * frame + i] * 32767);
            }
            int length = encoder.encode(pcm, 0, frame, out, 0, out.length);
            packet(stream, Arrays.copyOf(out, length), f + 2, false, f == frames - 1, (long) (f + 1) * frame);
            Page page = new Page();
            while (stream.pageout(page) != 0) {
                write(page, file);
            }
        }
        flush(stream, file);
        return file.toByteArray();
    }

    private static void packet(StreamState stream, byte[] bytes, long number, boolean first, boolean last, long granule) {
        Packet packet = new Packet();
        packet.packet_base = bytes;
        packet.packet = 0;
        packet.bytes = bytes.length;
        packet.b_o_s = first ? 1 : 0;
        packet.e_o_s = last ? 1 : 0;
        packet.granulepos = granule;
        packet.packetno = number;
        stream.packetin(packet);
    }

    private static void flush(StreamState stream, ByteArrayOutputStream file) {
        Page page = new Page();
        while (stream.flush(page) != 0) {
            write(page, file);
        }
    }

    private static void write(Page page, ByteArrayOutputStream file) {
        file.write(page.header_base, page.header, page.header_len);
        file.write(page.body_base, page.body, page.body_len);
    }

    /**
     * {@code wav} converted by SoX to the type its extension names (flac, ogg). Without SoX it is
     * installed from Debian when running as root; in CI a SoX that cannot be had fails the test.
     */
    static byte[] bySox(byte[] wav, String extension) throws Exception {
        ensureSox();
        Path folder = Files.createTempDirectory("koboldj-audio");
        try {
            Path in = Files.write(folder.resolve("in.wav"), wav);
            Path out = folder.resolve("out." + extension);
            Process sox = new ProcessBuilder("sox", in.toString(), out.toString()).redirectErrorStream(true).start();
            String said = new String(sox.getInputStream().readAllBytes());
            if (!sox.waitFor(120, TimeUnit.SECONDS) || sox.exitValue() != 0) {
                throw new AssertionError("sox could not write " + extension + ": " + said);
            }
            return Files.readAllBytes(out);
        } finally {
            try (var files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(folder);
        }
    }

    private static synchronized void ensureSox() throws Exception {
        if (runs(List.of("sox", "--version"))) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            runs(List.of("apt-get", "install", "-y", "-q", "sox", "libsox-fmt-all"));
        }
        if (!runs(List.of("sox", "--version"))) {
            String message = "SoX is needed to make the FLAC and Ogg/Vorbis test files: apt-get install sox libsox-fmt-all"
                    + (root ? " failed" : " (as root)");
            if (System.getenv("CI") != null) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
    }

    private static boolean runs(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(600, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
