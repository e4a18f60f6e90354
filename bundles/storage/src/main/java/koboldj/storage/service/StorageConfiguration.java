package koboldj.storage.service;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The koboldj.storage configuration, from the launcher's flags of the same names. */
@ObjectClassDefinition(name = "koboldj storage")
public @interface StorageConfiguration {

    /** --savedatafile: the save-slot database; empty means no save slots. */
    String savedatafile() default "";

    /** --preloadstory: a story JSON file (or the JSON itself) served to every client. */
    String preloadstory() default "";

    /** --multiplayer: share one story between the clients. */
    boolean multiplayer() default false;
}
