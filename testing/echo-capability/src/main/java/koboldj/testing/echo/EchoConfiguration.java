package koboldj.testing.echo;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The echo plugin's settings: a {@code koboldj.testing.echo.cfg} file in --conf, or --set koboldj.testing.echo.KEY=VALUE. */
@ObjectClassDefinition(name = "Echo capability (test fixture)")
@interface EchoConfiguration {

    /** Said before the echoed words. */
    String greeting() default "hello";

    /** Put after each echoed word. */
    String suffix() default "";
}
