package koboldj.text.llama;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * One native llama.cpp model per file version and load options in the process, held by every
 * {@link LlamaModel} loaded from them (the text engine, the embeddings engine, a draft): llama.cpp
 * maps the file with MAP_POPULATE, so a second load of the same file would map and read it again,
 * count it twice in the process's memory and cost a second load's CPU. The model is freed when
 * its last holder releases it; each holder frees its own contexts before that.
 *
 * <p>Files are told apart by real path, size and modification time, so a file replaced in place
 * is loaded anew. LoRA adapters are loaded onto the model once per adapter file and applied per
 * context, so a holder that does not apply them (embeddings) decodes the base model.
 */
final class SharedModel {
    private static final Map<Key, SharedModel> LOADED = new HashMap<>();

    private record FileVersion(Path path, long size, FileTime modified) {
        static FileVersion of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileVersion(file.toRealPath(), attributes.size(), attributes.lastModifiedTime());
            } catch (IOException e) {
                return new FileVersion(file.toAbsolutePath().normalize(), -1, null); // llama.cpp will say why it cannot read it
            }
        }
    }

    private record Key(FileVersion file, ModelLoadOptions options) {
    }

    private final Llama llama;
    private final Key key;
    /** Guarded by {@link #LOADED}. */
    private int holders;
    /** Null until loaded; set and freed under this object's lock. */
    private volatile MemorySegment model;
    private final Map<FileVersion, MemorySegment> adapters = new HashMap<>();

    private SharedModel(Llama llama, Key key) {
        this.llama = llama;
        this.key = key;
    }

    /**
     * The native model of {@code file} loaded as {@code options} say: the one already loaded, or
     * else loaded now (a caller asking while another loads it waits and shares). The caller
     * {@link #release()}s it once.
     *
     * @throws LlamaException if llama.cpp cannot load it
     */
    static SharedModel acquire(Llama llama, Path file, ModelLoadOptions options, DoubleConsumer progress) {
        SharedModel shared;
        synchronized (LOADED) {
            shared = LOADED.computeIfAbsent(new Key(FileVersion.of(file), options), key -> new SharedModel(llama, key));
            shared.holders++;
        }
        try {
            shared.loadOnce(file, progress);
            return shared;
        } catch (RuntimeException e) {
            shared.release();
            throw e;
        }
    }

    private synchronized void loadOnce(Path file, DoubleConsumer progress) {
        if (model != null) {
            return;
        }
        ModelLoadOptions options = key.options();
        if (ModelOverrides.needMetadata(options)) {
            MemorySegment peek = llama.loadMetadata(file);
            try {
                options = new ModelLoadOptions(options.mmap(), options.mlock(),
                        ModelOverrides.resolve(options, name -> llama.metadata(peek, name), llama::warn), -1);
            } finally {
                llama.freeModel(peek);
            }
        }
        model = llama.loadModel(file, options, progress);
    }

    /** The native model; valid from {@link #acquire} until this holder's {@link #release()}. */
    MemorySegment handle() {
        return model;
    }

    /**
     * The LoRA adapter of {@code file} on this model, loaded on first use; freed with the model.
     *
     * @throws LlamaException when llama.cpp refuses the file
     */
    synchronized MemorySegment adapter(Path file) {
        FileVersion version = FileVersion.of(file);
        MemorySegment adapter = adapters.get(version);
        if (adapter == null) {
            adapter = llama.loadAdapter(model, file);
            adapters.put(version, adapter);
        }
        return adapter;
    }

    /** Gives up one holder's share; the last frees the native model. */
    void release() {
        synchronized (LOADED) {
            if (--holders > 0) {
                return;
            }
            LOADED.remove(key);
        }
        synchronized (this) {
            if (model != null) {
                llama.freeModel(model);
                model = null;
                adapters.clear();
            }
        }
    }
}
