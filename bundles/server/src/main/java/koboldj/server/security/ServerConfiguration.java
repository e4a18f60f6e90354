package koboldj.server.security;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The part of the koboldj.server configuration (from the launcher's flags) that HTTP needs. */
@ObjectClassDefinition(name = "koboldj HTTP server")
public @interface ServerConfiguration {

    /** --password: the API key every protected route needs. */
    String password() default "";

    /** --adminpassword: the key for /api/admin routes. */
    String adminpassword() default "";

    /** --admin. */
    boolean admin() default false;

    /** --maxrequestsize, in MB. */
    int maxrequestsize() default 32;

    /** --port: where clients connect. */
    int port() default 5001;

    /** --host: the address the port is opened on; blank for every interface. */
    String host() default "127.0.0.1";
}
