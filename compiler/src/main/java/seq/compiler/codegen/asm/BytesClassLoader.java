package seq.compiler.codegen.asm;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;

/**
 * Loads generated classes from their bytes, and serves those bytes as resources too: Aparapi reads a
 * kernel's class file through {@code getResourceAsStream} to translate it to OpenCL.
 */
public final class BytesClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    /** {@code classes} maps binary names (`seq.gen.Model`) to class file bytes. */
    public BytesClassLoader(ClassLoader parent, Map<String, byte[]> classes) {
        super(parent);
        this.classes = Map.copyOf(classes);
    }

    @Override protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) throw new ClassNotFoundException(name);
        return defineClass(name, bytes, 0, bytes.length);
    }

    @Override public InputStream getResourceAsStream(String resource) {
        if (resource.endsWith(".class")) {
            byte[] bytes = classes.get(resource.substring(0, resource.length() - 6).replace('/', '.'));
            if (bytes != null) return new ByteArrayInputStream(bytes);
        }
        return super.getResourceAsStream(resource);
    }
}
