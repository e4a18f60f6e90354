package koboldj.admin;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The koboldj.admin configuration, from the launcher's flags of the same names. */
@ObjectClassDefinition(name = "koboldj admin API")
public @interface AdminConfiguration {

    /** --admin: the admin API is wanted. */
    boolean admin() default false;

    /** --adminpassword: checked by the server's API key filter; here only reported. */
    String adminpassword() default "";

    /** --admindir: the folder of configurations the admin API may switch to. */
    String admindir() default "";
}
