/**
 * fsnap's system calls: directory listing and stat through jffi, with per-architecture layouts.
 * Not an API: exported to the scanner alone.
 */
module dev.fsnap.bindings {
    requires org.jnrproject.jffi;
    requires org.jnrproject.constants;
    requires hash4j;

    exports dev.fsnap.bindings to dev.fsnap.scanner;
}
