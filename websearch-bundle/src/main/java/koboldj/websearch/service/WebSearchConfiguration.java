package koboldj.websearch.service;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The koboldj.websearch configuration: the flags --websearch, --websearchurl and
 * --websearchallowlocal, and limits an operator may change with a {@code koboldj.websearch.cfg}
 * file in --conf or {@code --set koboldj.websearch.KEY=VALUE}.
 */
@ObjectClassDefinition(name = "koboldj web search")
@interface WebSearchConfiguration {

    /** --websearch: serve /api/extra/websearch. */
    boolean websearch() default false;

    /** --websearchurl: a SearXNG instance to search with instead of DuckDuckGo. */
    String websearchurl() default "";

    /** --websearchallowlocal: read result pages on loopback, private and link-local addresses too. */
    boolean websearchallowlocal() default false;

    /** The engine to search with, by its name (duckduckgo, searxng, a plugin's); empty: the highest ranked. */
    String engine() default "";

    /** Longest text taken from a result's page, in characters. */
    int contentchars() default 1000;

    /** Longest wait for the engine's answer, in seconds. */
    int enginetimeoutseconds() default 10;

    /** Longest wait for one result page, redirects included, in seconds. */
    int pagetimeoutseconds() default 8;

    /** Largest result page read, in KB; a larger page is skipped. */
    int maxpagekb() default 2048;

    /** Result pages fetched at once, over all searches. */
    int concurrentfetches() default 8;

    /** Recent searches remembered, and for how many minutes. */
    int cacheentries() default 32;

    int cacheminutes() default 10;
}
