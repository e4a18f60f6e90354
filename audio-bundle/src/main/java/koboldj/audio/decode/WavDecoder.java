package koboldj.audio.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** RIFF/WAVE with integer PCM of 8, 16, 24 or 32 bits or float of 32 or 64 bits, any rate and channel count. */
final class WavDecoder {
    private static final int PCM = 1;
    private static final int IEEE_FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;
    /** What a recorder that could not seek back writes as the data size. */
    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;

    private WavDecoder() {
    }

    static boolean recognizes(byte[] file) {
        return file.length >= 12 && Ascii.at(file, 0, "RIFF") && Ascii.at(file, 8, "WAVE");
    }

    static DecodedAudio decode(byte[] file, double maxSeconds) throws UnreadableAudioException {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        in.position(12);
        Format format = null;
        while (in.remaining() >= 8) {
            String id = Ascii.read(in, 4);
            long size = Integer.toUnsignedLong(in.getInt());
            if (id.equals("fmt ")) {
                if (size < 16 || size > in.remaining()) {
                    throw new UnreadableAudioException("The WAV file's format chunk is cut short.");
                }
                format = Format.read(in.slice(in.position(), (int) size).order(ByteOrder.LITTLE_ENDIAN));
            } else if (id.equals("data")) {
                if (format == null) {
                    throw new UnreadableAudioException("The WAV file has audio data before its format chunk.");
                }
                if (size != UNKNOWN_SIZE && size != 0 && size > in.remaining()) {
                    throw new UnreadableAudioException("The WAV file is cut short: its data chunk declares " + size
                            + " bytes but " + in.remaining() + " follow.");
                }
                int bytes = size == UNKNOWN_SIZE || size == 0 ? in.remaining() : (int) size;
                return samples(in.slice(in.position(), bytes).order(ByteOrder.LITTLE_ENDIAN), format, maxSeconds);
            }
            if (size > in.remaining()) {
                break;
            }
            in.position(in.position() + (int) size + (int) (size & 1)); // chunks are padded to even sizes
        }
        throw new UnreadableAudioException(format == null ? "The WAV file has no format chunk."
                : "The WAV file has no data chunk (it may be cut short).");
    }

    private static DecodedAudio samples(ByteBuffer data, Format format, double maxSeconds) throws UnreadableAudioException {
        MonoCollector mono = new MonoCollector(maxSeconds);
        mono.sampleRate(format.sampleRate);
        int frameBytes = format.channels * format.bits / 8;
        while (data.remaining() >= frameBytes) {
            float sum = 0;
            for (int c = 0; c < format.channels; c++) {
                sum += format.sample(data);
            }
            mono.add(sum / format.channels);
        }
        return mono.finish("WAV");
    }

    private record Format(int encoding, int channels, int sampleRate, int bits) {

        static Format read(ByteBuffer fmt) throws UnreadableAudioException {
            int encoding = Short.toUnsignedInt(fmt.getShort());
            int channels = Short.toUnsignedInt(fmt.getShort());
            int sampleRate = fmt.getInt();
            fmt.getInt(); // bytes per second
            fmt.getShort(); // block align
            int bits = Short.toUnsignedInt(fmt.getShort());
            if (encoding == EXTENSIBLE && fmt.remaining() >= 10) {
                fmt.position(fmt.position() + 8); // extension size, valid bits, channel mask
                encoding = Short.toUnsignedInt(fmt.getShort()); // the sub-format GUID begins with the plain code
            }
            if (channels < 1 || channels > 64) {
                throw new UnreadableAudioException("The WAV file claims " + channels + " channels.");
            }
            if (sampleRate < 1000 || sampleRate > 768_000) {
                throw new UnreadableAudioException("The WAV file claims a sample rate of " + sampleRate + " Hz, which is not a real one.");
            }
            boolean pcm = encoding == PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
            boolean floating = encoding == IEEE_FLOAT && (bits == 32 || bits == 64);
            if (!pcm && !floating) {
                throw new UnreadableAudioException("The WAV file's encoding (format code " + encoding + ", " + bits
                        + " bits) is not supported: use integer PCM of 8, 16, 24 or 32 bits or float of 32 or 64 bits.");
            }
            return new Format(encoding, channels, sampleRate, bits);
        }

        float sample(ByteBuffer data) {
            if (encoding == IEEE_FLOAT) {
                return bits == 32 ? data.getFloat() : (float) data.getDouble();
            }
            return switch (bits) {
                case 8 -> (Byte.toUnsignedInt(data.get()) - 128) / 128f; // 8-bit WAV is unsigned
                case 16 -> data.getShort() / 32768f;
                case 24 -> ((data.get() & 0xFF) | (data.get() & 0xFF) << 8 | data.get() << 16) / 8388608f;
                default -> data.getInt() / 2147483648f;
            };
        }
    }
}
