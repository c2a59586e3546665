package seq.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RelaunchTest {
    private static String copied(String childErr) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Relaunch.copyErrors(new ByteArrayInputStream(childErr.getBytes(StandardCharsets.UTF_8)), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dropsTheIncubatorNoticeOnly() {
        assertEquals("error: no such file\n", copied(Relaunch.NOTICE + "\nerror: no such file\n"));
        assertEquals("", copied(Relaunch.NOTICE + "\n"));
    }

    @Test
    void keepsEverythingElseAsItCame() {
        assertEquals("error: bad\n", copied("error: bad\n"));
        assertEquals("WARNING: Using something else\n", copied("WARNING: Using something else\n"));
        assertEquals("WARNING: Using incub", copied("WARNING: Using incub"));
        assertEquals("", copied(""));
        // The notice later on is not the JVM's start-up line: kept.
        assertEquals("x\n" + Relaunch.NOTICE + "\n", copied("x\n" + Relaunch.NOTICE + "\n"));
    }

    /** The child preloads the JDK's signal-chaining library, before whatever LD_PRELOAD held, and only once. */
    @Test
    void theChildPreloadsSignalChaining() {
        java.nio.file.Path jsig = java.nio.file.Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(jsig), "this JDK has no libjsig.so");
        java.util.Map<String, String> env = new java.util.HashMap<>();
        Relaunch.preloadSignalChaining(env);
        assertEquals(jsig.toString(), env.get("LD_PRELOAD"));
        env.put("LD_PRELOAD", "/opt/other.so");
        Relaunch.preloadSignalChaining(env);
        assertEquals(jsig + ":/opt/other.so", env.get("LD_PRELOAD"));
        Relaunch.preloadSignalChaining(env);
        assertEquals(jsig + ":/opt/other.so", env.get("LD_PRELOAD"));
    }
}
