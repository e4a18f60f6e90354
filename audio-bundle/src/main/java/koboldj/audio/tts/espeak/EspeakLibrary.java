package koboldj.audio.tts.espeak;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one class that calls libespeak-ng (speak_lib.h), in its synchronous mode: {@code espeak_Synth}
 * returns once the text is spoken, having handed the samples to a callback on the calling thread.
 * The library keeps its state in globals and is not thread-safe, so every call holds one lock;
 * every argument is checked here before it reaches the library.
 */
public final class EspeakLibrary implements AutoCloseable {
    /** Debian's name of the shared library, and the packages that bring it and its voice data. */
    public static final String LIBRARY = "libespeak-ng.so.1";
    public static final String PACKAGES = "libespeak-ng1 espeak-ng-data";
    /** speak_lib.h: espeakRATE_MINIMUM and espeakRATE_NORMAL, words per minute. */
    public static final int MIN_RATE = 80;
    public static final int NORMAL_RATE = 175;
    /**
     * Four times normal: beyond speak_lib.h's espeakRATE_MAXIMUM (450) Debian's build speeds speech
     * up further with libsonic, which it links.
     */
    public static final int MAX_RATE = 4 * NORMAL_RATE;
    /** Longest text one call takes, in UTF-8 bytes: callers split text into sentences well below this. */
    public static final int MAX_TEXT_BYTES = 16 * 1024;
    /** Most samples one call returns (ten minutes at 22,050 Hz), a bound on the memory one call takes. */
    static final int MAX_SAMPLES = 10 * 60 * 22_050;

    private static final int AUDIO_OUTPUT_SYNCHRONOUS = 2;
    /** espeakINITIALIZE_DONT_EXIT: without it the library calls exit() when its data is missing. */
    private static final int INITIALIZE_DONT_EXIT = 0x8000;
    private static final int CHARS_UTF8 = 1;
    private static final int POS_CHARACTER = 1;
    private static final int PARAMETER_RATE = 1;
    private static final int EE_OK = 0;
    /** Milliseconds of audio the library buffers before it calls back. */
    private static final int BUFFER_MS = 200;
    /** espeak_VOICE: name, languages, identifier (pointers), then gender, age, variant, xx1, score, spare. */
    private static final long VOICE_IDENTIFIER_OFFSET = 16;
    private static final long VOICE_LANGUAGES_OFFSET = 8;
    private static final long VOICE_SIZE = 40;
    private static final long MAX_C_STRING = 4096;

    private final ReentrantLock lock = new ReentrantLock();
    private final Arena arena;
    private final int sampleRate;
    private final MethodHandle setVoiceByName;
    private final MethodHandle setParameter;
    private final MethodHandle synth;
    private final MethodHandle terminate;
    private final List<String> voices;
    private final List<String> variants;
    /** What the callback collects during one {@link #synthesize}; only touched under the lock. */
    private SampleBuffer collected;
    private boolean closed;

    private EspeakLibrary(Arena arena, SymbolLookup symbols) {
        this.arena = arena;
        Linker linker = Linker.nativeLinker();
        MethodHandle initialize = linker.downcallHandle(find(symbols, "espeak_Initialize"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle setSynthCallback = linker.downcallHandle(find(symbols, "espeak_SetSynthCallback"),
                FunctionDescriptor.ofVoid(ADDRESS));
        MethodHandle listVoices = linker.downcallHandle(find(symbols, "espeak_ListVoices"),
                FunctionDescriptor.of(ADDRESS, ADDRESS));
        setVoiceByName = linker.downcallHandle(find(symbols, "espeak_SetVoiceByName"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setParameter = linker.downcallHandle(find(symbols, "espeak_SetParameter"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        synth = linker.downcallHandle(find(symbols, "espeak_Synth"), FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        terminate = linker.downcallHandle(find(symbols, "espeak_Terminate"), FunctionDescriptor.of(JAVA_INT));
        try {
            sampleRate = (int) initialize.invokeExact(AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS, MemorySegment.NULL, INITIALIZE_DONT_EXIT);
            if (sampleRate <= 0) {
                throw new EspeakUnavailableException("espeak-ng did not start (its voice data, package espeak-ng-data, may be missing)");
            }
            MethodHandle callback = MethodHandles.lookup().bind(this, "onSamples",
                    MethodType.methodType(int.class, MemorySegment.class, int.class, MemorySegment.class));
            MemorySegment stub = linker.upcallStub(callback, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), arena);
            setSynthCallback.invokeExact(stub);
            voices = identifiers(listVoices, MemorySegment.NULL, false);
            MemorySegment variantSpec = arena.allocate(VOICE_SIZE);
            variantSpec.set(ADDRESS, VOICE_LANGUAGES_OFFSET, arena.allocateFrom("variant"));
            variants = identifiers(listVoices, variantSpec, true);
        } catch (EspeakUnavailableException e) {
            throw e;
        } catch (Throwable e) {
            throw new EspeakUnavailableException("espeak-ng did not start: " + e, e);
        }
    }

    /**
     * Loads and starts the library.
     *
     * @throws EspeakUnavailableException when the library or its data is not installed
     */
    public static EspeakLibrary load() {
        Arena arena = Arena.ofShared();
        try {
            return new EspeakLibrary(arena, SymbolLookup.libraryLookup(LIBRARY, arena));
        } catch (IllegalArgumentException e) {
            arena.close();
            throw new EspeakUnavailableException(LIBRARY + " is not installed: apt-get install " + PACKAGES, e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public int sampleRate() {
        return sampleRate;
    }

    /** The voices' identifiers without their folder, lower case (e.g. {@code en-us}, {@code de}), sorted. */
    public List<String> voices() {
        return voices;
    }

    /** The variants that may follow a voice after '+' (e.g. {@code f3}, {@code m7}), sorted. */
    public List<String> variants() {
        return variants;
    }

    /**
     * Speaks {@code text} with {@code voice} (one of {@link #voices()}, optionally {@code +variant})
     * at {@code rate} words per minute. The samples are collected and returned rather than handed on
     * while the library runs, so that the lock is never held while a slow client is written to.
     *
     * @return mono 16-bit samples at {@link #sampleRate()}
     * @throws IllegalArgumentException for an argument the library must not see
     * @throws IllegalStateException    when the library failed or was closed
     */
    public short[] synthesize(String text, String voice, int rate) {
        byte[] utf8 = checkedText(text);
        checkVoice(voice);
        if (rate < MIN_RATE || rate > MAX_RATE) {
            throw new IllegalArgumentException("rate must be " + MIN_RATE + "-" + MAX_RATE + " words per minute, not " + rate);
        }
        lock.lock();
        try (Arena call = Arena.ofConfined()) {
            if (closed) {
                throw new IllegalStateException("espeak-ng was stopped");
            }
            check("espeak_SetVoiceByName", (int) setVoiceByName.invokeExact(call.allocateFrom(voice)));
            check("espeak_SetParameter", (int) setParameter.invokeExact(PARAMETER_RATE, rate, 0));
            MemorySegment textSegment = call.allocate(utf8.length + 1L);
            MemorySegment.copy(utf8, 0, textSegment, JAVA_BYTE, 0, utf8.length);
            collected = new SampleBuffer(MAX_SAMPLES);
            int result = (int) synth.invokeExact(textSegment, (long) utf8.length + 1, 0, POS_CHARACTER, 0, CHARS_UTF8,
                    MemorySegment.NULL, MemorySegment.NULL);
            check("espeak_Synth", result);
            if (collected.overflowed()) {
                throw new IllegalStateException("espeak-ng spoke more than " + MAX_SAMPLES / sampleRate + " s for one piece of text");
            }
            return collected.toArray();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("espeak-ng failed: " + e, e);
        } finally {
            collected = null;
            lock.unlock();
        }
    }

    /** The text as the library gets it: UTF-8 without NUL (which would end it early), not too long. */
    static byte[] checkedText(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("nothing to say");
        }
        byte[] utf8 = text.replace('\0', ' ').getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("text of " + utf8.length + " bytes; at most " + MAX_TEXT_BYTES + " per call");
        }
        return utf8;
    }

    private void checkVoice(String voice) {
        if (voice == null) {
            throw new IllegalArgumentException("no voice");
        }
        int plus = voice.indexOf('+');
        String base = plus < 0 ? voice : voice.substring(0, plus);
        if (!voices.contains(base) || (plus >= 0 && !variants.contains(voice.substring(plus + 1)))) {
            throw new IllegalArgumentException("espeak-ng has no voice '" + voice + "'");
        }
    }

    /** The synth callback: samples (NULL or none at the end), their count, the events; 1 stops the synthesis. */
    @SuppressWarnings("unused") // bound by name in the constructor
    private int onSamples(MemorySegment wav, int count, MemorySegment events) {
        // nothing may be thrown out of an upcall (that ends the JVM); the buffer only refuses to grow
        SampleBuffer buffer = collected;
        if (buffer == null || count <= 0 || wav.equals(MemorySegment.NULL)) {
            return 0;
        }
        return buffer.add(wav.reinterpret((long) count * Short.BYTES), count) ? 0 : 1;
    }

    private List<String> identifiers(MethodHandle listVoices, MemorySegment spec, boolean variantsOnly) throws Throwable {
        MemorySegment array = ((MemorySegment) listVoices.invokeExact(spec)).reinterpret(Long.MAX_VALUE);
        List<String> names = new ArrayList<>();
        for (long i = 0; ; i++) {
            MemorySegment voice = array.getAtIndex(ADDRESS, i);
            if (voice.equals(MemorySegment.NULL)) {
                break;
            }
            MemorySegment identifier = voice.reinterpret(VOICE_SIZE).get(ADDRESS, VOICE_IDENTIFIER_OFFSET);
            if (identifier.equals(MemorySegment.NULL)) {
                continue;
            }
            String path = identifier.reinterpret(MAX_C_STRING).getString(0);
            boolean isVariant = path.startsWith("!v/");
            if (isVariant == variantsOnly) {
                // voice identifiers are matched without regard to case; variants are file names
                String name = path.substring(path.lastIndexOf('/') + 1);
                name = variantsOnly ? name : name.toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !name.contains(" ") && !names.contains(name)) {
                    names.add(name);
                }
            }
        }
        names.sort(null);
        return List.copyOf(names);
    }

    private static void check(String function, int result) {
        if (result != EE_OK) {
            throw new IllegalStateException(function + " failed with " + result);
        }
    }

    private static MemorySegment find(SymbolLookup symbols, String name) {
        return symbols.find(name).orElseThrow(() -> new EspeakUnavailableException(LIBRARY + " lacks " + name));
    }

    /** Stops the library; waits for a synthesis under way. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                int ignored = (int) terminate.invokeExact();
            } catch (Throwable e) {
                // the library is being let go of either way
            }
            arena.close();
        } finally {
            lock.unlock();
        }
    }
}
