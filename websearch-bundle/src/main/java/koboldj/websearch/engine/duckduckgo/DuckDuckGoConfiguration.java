package koboldj.websearch.engine.duckduckgo;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The DuckDuckGo engine's settings: a {@code koboldj.websearch.duckduckgo.cfg} file in --conf, or
 * {@code --set koboldj.websearch.duckduckgo.KEY=VALUE}.
 */
@ObjectClassDefinition(name = "koboldj web search: DuckDuckGo")
@interface DuckDuckGoConfiguration {

    /** DuckDuckGo's HTML results page, asked as URL?q=QUERY; another address only to test against a copy of it. */
    String url() default "https://html.duckduckgo.com/html/";

    /** Longest wait for the results page, in seconds. */
    int timeoutseconds() default 10;
}
