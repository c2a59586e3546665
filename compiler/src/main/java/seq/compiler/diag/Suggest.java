package seq.compiler.diag;

import java.util.Collection;
import java.util.Locale;

/** Did-you-mean: the closest known name by edit distance, if it is close enough to be a likely typo. */
public final class Suggest {
    private Suggest() {}

    public static String closest(String wrong, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = k.equalsIgnoreCase(wrong) ? 0 : distance(wrong.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        // One- and two-letter names are too short for an edit to mean a typo.
        int allowed = wrong.length() < 3 ? 0 : Math.max(1, Math.min(3, wrong.length() / 3));
        return best != null && bestDistance <= allowed ? best : null;
    }

    /** "did you mean `LSTM`?" or null. */
    public static String didYouMean(String wrong, Collection<String> known) {
        String c = closest(wrong, known);
        return c == null ? null : "did you mean `" + c + "`?";
    }

    /** Optimal string alignment distance: a swap of two neighbours counts as one edit (`LTSM` → `LSTM`). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
