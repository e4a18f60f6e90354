package koboldj.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * Checks of the audio the speech routes answer: the WAV file read field by field and by the JDK's
 * WAVE reader, and any format decoded by SoX (Debian's sox) or, for Opus, libopus's opusdec (opus-tools),
 * both installed when missing.
 */
final class SpeechAudio {
    static final Path SOX = Path.of("/usr/bin/sox");
    /** libopus's decoder (Debian's opus-tools), for Ogg Opus, which Debian's SoX does not read. */
    static final Path OPUSDEC = Path.of("/usr/bin/opusdec");
    private static final Pattern LENGTH = Pattern.compile("Length \\(seconds\\):\\s+([0-9.]+)");
    private static final Pattern RMS = Pattern.compile("RMS\\s+amplitude:\\s+([0-9.]+)");

    private SpeechAudio() {
    }

    /** 16-bit mono samples of a WAV file, after checking its header; the lengths may be left open (streamed). */
    static short[] wavSamples(byte[] wav, int expectedRate) throws Exception {
        ByteBuffer file = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("RIFF", ascii(wav, 0));
        assertEquals("WAVE", ascii(wav, 8));
        assertEquals("fmt ", ascii(wav, 12));
        assertEquals(1, file.getShort(20), "PCM");
        assertEquals(1, file.getShort(22), "mono");
        assertEquals(expectedRate, file.getInt(24), "sample rate");
        assertEquals(16, file.getShort(34), "bits per sample");
        assertEquals("data", ascii(wav, 36));
        int dataBytes = wav.length - 44;
        assertEquals(0, dataBytes % 2, "whole samples");
        short[] samples = new short[dataBytes / 2];
        file.position(44);
        file.asShortBuffer().get(samples);
        // the JDK's own reader takes the streamed file too and finds the same samples
        try (AudioInputStream audio = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
            AudioFormat format = audio.getFormat();
            assertEquals(expectedRate, (int) format.getSampleRate());
            assertEquals(dataBytes, audio.readAllBytes().length);
        }
        return samples;
    }

    /** Root mean square of the samples, 0..32768: speech is well above silence. */
    static double rms(short[] samples) {
        double sum = 0;
        for (short sample : samples) {
            sum += (double) sample * sample;
        }
        return samples.length == 0 ? 0 : Math.sqrt(sum / samples.length);
    }

    /**
     * The median pitch of the voiced stretches, in Hz: per 40 ms frame that is loud enough, the lag
     * of the highest autocorrelation between 60 and 400 Hz, where it is strong (the frame is voiced).
     */
    static double medianPitch(short[] samples, int rate) {
        int frame = rate / 25;
        int minLag = rate / 400;
        int maxLag = rate / 60;
        List<Double> pitches = new ArrayList<>();
        for (int start = 0; start + frame + maxLag < samples.length; start += frame / 2) {
            double mean = 0;
            for (int i = 0; i < frame + maxLag; i++) {
                mean += samples[start + i];
            }
            mean /= frame + maxLag;
            double energy = 0;
            for (int i = 0; i < frame; i++) {
                energy += (samples[start + i] - mean) * (samples[start + i] - mean);
            }
            if (Math.sqrt(energy / frame) < 1000) {
                continue;
            }
            int bestLag = 0;
            double best = 0;
            for (int lag = minLag; lag <= maxLag; lag++) {
                double sum = 0;
                for (int i = 0; i < frame; i++) {
                    sum += (samples[start + i] - mean) * (samples[start + i + lag] - mean);
                }
                if (sum > best) {
                    best = sum;
                    bestLag = lag;
                }
            }
            if (bestLag > 0 && best > 0.3 * energy) {
                pitches.add((double) rate / bestLag);
            }
        }
        assertTrue(pitches.size() >= 5, "voiced frames: " + pitches.size());
        pitches.sort(null);
        return pitches.get(pitches.size() / 2);
    }

    /** What SoX decodes from a file of {@code format}: its length in seconds and its RMS amplitude (0..1). */
    record Decoded(double seconds, double rms) {
    }

    static Decoded decode(byte[] audio, String format, int pcmRate) throws Exception {
        Path file = Files.createTempFile("koboldj-tts-", "." + format);
        Path decoded = Files.createTempFile("koboldj-tts-", ".wav");
        try {
            Files.write(file, audio);
            List<String> command = new ArrayList<>(List.of(SOX.toString()));
            if (format.equals("opus")) {
                run(List.of(OPUSDEC.toString(), "--quiet", file.toString(), decoded.toString()), "opusdec decodes opus");
                command.addAll(List.of("-t", "wav"));
                file = decoded;
            } else if (format.equals("pcm")) {
                command.addAll(List.of("-t", "raw", "-r", String.valueOf(pcmRate), "-e", "signed-integer", "-b", "16", "-c", "1", "-L"));
            } else {
                command.addAll(List.of("-t", format));
            }
            command.addAll(List.of(file.toString(), "-n", "stat"));
            String output = run(command, "sox decodes " + format);
            return new Decoded(number(LENGTH, output), number(RMS, output));
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(decoded);
        }
    }

    private static String run(List<String> command, String what) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), what + ": ended");
        assertEquals(0, process.exitValue(), what + ":\n" + output);
        return output;
    }

    private static double number(Pattern pattern, String output) {
        Matcher matcher = pattern.matcher(output);
        assertTrue(matcher.find(), pattern + " in\n" + output);
        return Double.parseDouble(matcher.group(1));
    }

    private static String ascii(byte[] bytes, int at) {
        return new String(bytes, at, 4, StandardCharsets.US_ASCII);
    }

    static void requireDecoders() throws IOException, InterruptedException {
        assertTrue(DebianPackages.ensure(SOX, "sox"), SOX + " is missing and could not be installed (apt-get install -y sox, as root)");
        assertTrue(DebianPackages.ensure(OPUSDEC, "opus-tools"),
                OPUSDEC + " is missing and could not be installed (apt-get install -y opus-tools, as root)");
    }
}
