package seq.compiler.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import seq.compiler.ast.Expr;
import seq.compiler.ast.TrainDecl;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.diag.Suggest;
import seq.compiler.layers.Args;
import seq.compiler.layers.Layer;
import seq.compiler.layers.Param;
import seq.compiler.types.Size;
import seq.compiler.types.TensorType;

/**
 * Checks a `train` block. The loss is compiled into the backward pass, so it is checked against the
 * model's output type here, at compile time.
 */
final class TrainCheck {
    static final List<String> LOSSES = List.of("mse", "mae", "huber", "binary_crossentropy", "categorical_crossentropy",
        "sparse_categorical_crossentropy");
    /** Keras's long names and classes, with the name Seq uses. */
    static final Map<String, String> LOSS_ALIASES = Map.of(
        "mean_squared_error", "mse", "MeanSquaredError", "mse", "mean_absolute_error", "mae", "MeanAbsoluteError", "mae",
        "Huber", "huber", "huber_loss", "huber", "BinaryCrossentropy", "binary_crossentropy",
        "CategoricalCrossentropy", "categorical_crossentropy", "SparseCategoricalCrossentropy", "sparse_categorical_crossentropy");
    static final List<String> METRICS = List.of("mae", "mse", "accuracy");
    static final List<String> KEYS = List.of("loss", "optimizer", "batch_size", "epochs", "metrics", "validation_split",
        "shuffle", "seed", "clipnorm");
    /** Each optimizer's arguments and Keras's defaults. */
    static final Map<String, List<Param>> OPTIMIZERS = Map.of(
        "SGD", List.of(Param.of("learning_rate", Param.Kind.FLOAT, 0.01).above(0), Param.of("momentum", Param.Kind.FLOAT, 0.0).fraction(),
            Param.of("nesterov", Param.Kind.BOOL, false)),
        "Adam", List.of(Param.of("learning_rate", Param.Kind.FLOAT, 0.001).above(0), Param.of("beta_1", Param.Kind.FLOAT, 0.9).fraction(),
            Param.of("beta_2", Param.Kind.FLOAT, 0.999).fraction(), Param.of("epsilon", Param.Kind.FLOAT, 1e-7).above(0)),
        "RMSprop", List.of(Param.of("learning_rate", Param.Kind.FLOAT, 0.001).above(0), Param.of("rho", Param.Kind.FLOAT, 0.9).fraction()));

    private final Diagnostics diags;

    TrainCheck(Diagnostics diags) {
        this.diags = diags;
    }

    TrainConfig check(TrainDecl train, Node output) {
        Map<String, TrainDecl.Setting> given = new HashMap<>();
        boolean ok = true;
        for (TrainDecl.Setting s : train.settings()) {
            if (!KEYS.contains(s.key())) {
                String guess = Suggest.didYouMean(s.key(), KEYS);
                String optimizerArg = OPTIMIZERS.values().stream().flatMap(List::stream).map(Param::name)
                    .filter(s.key()::equals).findFirst().orElse(null);
                diags.report(Diagnostic.of(Code.S0401, s.keySpan(), "`" + s.key() + "` is not a training setting")
                    .withHelp(optimizerArg != null ? "`" + s.key() + "` belongs to the optimizer: `optimizer = Adam("
                        + s.key() + "=" + Expr.show(s.value()) + ")`"
                        : guess != null ? guess : "the settings are " + String.join(", ", KEYS)));
                ok = false;
            } else if (given.containsKey(s.key())) {
                diags.report(Diagnostic.of(Code.S0406, s.keySpan(), "`" + s.key() + "` is set twice")
                    .withLabel(given.get(s.key()).keySpan(), "first set here")
                    .withHelp("keep one of them"));
                ok = false;
            } else {
                given.put(s.key(), s);
            }
        }
        String loss = null;
        if (!given.containsKey("loss")) {
            diags.report(Diagnostic.of(Code.S0407, train.modelSpan(), "the `train` block of `" + train.model() + "` sets no `loss`")
                .withHelp("add a loss, e.g. `loss = mse`"));
            ok = false;
        } else {
            loss = loss(given.get("loss"), LOSSES, Code.S0402);
            ok &= loss != null && lossFits(loss, given.get("loss"), output);
        }
        String optimizer = "Adam";
        Args optimizerArgs = Args.resolve("Adam", OPTIMIZERS.get("Adam"), List.of(), train.span(), null, c -> null, diags);
        if (given.containsKey("optimizer")) {
            Expr e = given.get("optimizer").value();
            Expr.Name callee = e instanceof Expr.Call c && c.callee() instanceof Expr.Name n ? n
                : e instanceof Expr.Name n ? n : null;
            String written = callee != null ? callee.id() : e instanceof Expr.Str s ? s.value() : null;
            optimizer = written == null ? null : OPTIMIZERS.keySet().stream().filter(o -> o.equalsIgnoreCase(written)).findFirst().orElse(null);
            if (optimizer == null) {
                String guess = written == null ? null : Suggest.didYouMean(written, OPTIMIZERS.keySet());
                diags.report(Diagnostic.of(Code.S0404, e.span(), "unknown optimizer `" + (written != null ? written : Expr.show(e)) + "`")
                    .withHelp((guess != null ? guess + " " : "") + "the optimizers are SGD, Adam and RMSprop, e.g. `Adam(learning_rate=0.001)`"));
                ok = false;
            } else {
                List<Expr.Arg> args = e instanceof Expr.Call c ? c.args() : List.of();
                optimizerArgs = Args.resolve(optimizer, OPTIMIZERS.get(optimizer), args, e.span(), null, c -> null, diags);
                ok &= optimizerArgs != null;
            }
        }
        Long batchSize = integer(given.get("batch_size"), 32, 1);
        Long epochs = integer(given.get("epochs"), 1, 1);
        Long seed = given.containsKey("seed") ? integer(given.get("seed"), 0, 0) : null;
        Double split = number(given.get("validation_split"), 0.0, 0, 1);
        Double clip = given.containsKey("clipnorm") ? number(given.get("clipnorm"), 1.0, Double.MIN_VALUE, Double.POSITIVE_INFINITY) : null;
        Boolean shuffle = bool(given.get("shuffle"), true);
        List<String> metrics = metrics(given.get("metrics"));
        ok &= batchSize != null && epochs != null && split != null && shuffle != null && metrics != null
            && (seed != null || !given.containsKey("seed")) && (clip != null || !given.containsKey("clipnorm"));
        return ok ? new TrainConfig(loss, optimizer, optimizerArgs, batchSize, epochs, metrics, split, shuffle, seed, clip) : null;
    }

    private boolean lossFits(String loss, TrainDecl.Setting at, Node output) {
        TensorType out = output.type();
        if (out.elem() != TensorType.Elem.F32) {
            diags.report(Diagnostic.of(Code.S0403, at.value().span(), "`" + loss + "` needs a float output, but the model returns " + out)
                .withHelp("end the model with a layer that computes floats, such as `Dense`"));
            return false;
        }
        boolean categorical = loss.equals("categorical_crossentropy") || loss.equals("sparse_categorical_crossentropy");
        if (categorical) {
            Size classes = out.last();
            if (out.rank() < 2 || !classes.isConstant() || classes.constant() < 2) {
                diags.report(Diagnostic.of(Code.S0403, at.value().span(), "`" + loss + "` needs one probability per class on the last axis (at least 2), "
                        + "but the model returns " + out)
                    .withLabel(output.span(), "this produces " + out)
                    .withHelp(classes.isConstant() && classes.constant() == 1
                        ? "for a yes/no target use `binary_crossentropy` with `activation=\"sigmoid\"`"
                        : "end the model with `Dense(classes, activation=\"softmax\")`"));
                return false;
            }
        }
        String want = categorical ? "softmax" : loss.equals("binary_crossentropy") ? "sigmoid" : null;
        String last = lastActivation(output);
        if (want != null && last != null && !last.equals(want)) {
            diags.report(Diagnostic.of(Code.S0903, at.value().span(), "`" + loss + "` expects probabilities, but the last layer's activation is "
                    + last)
                .withLabel(output.span(), "this ends with " + last)
                .withHelp("add `activation=\"" + want + "\"` to the last layer"));
        }
        return true;
    }

    /** The activation the output passes through last, when a layer with an `activation` argument produces it. */
    private static String lastActivation(Node output) {
        Layer layer = output.layer();
        while (layer != null && layer.kind().name().equals("TimeDistributed")) layer = layer.args().layer("layer");
        if (layer == null || layer.args().get("activation") == null) return null;
        String a = layer.args().string("activation");
        return a.equals("None") ? "linear" : a;
    }

    private String loss(TrainDecl.Setting s, List<String> known, Code code) {
        Expr e = s.value();
        String v = e instanceof Expr.Name n ? n.id() : e instanceof Expr.Str str ? str.value() : null;
        if (v != null && known.contains(v)) return v;
        String guess = v == null ? null : Suggest.didYouMean(v, known);
        diags.report(Diagnostic.of(code, e.span(), "unknown loss `" + Expr.show(e) + "`")
            .withHelp(v != null && LOSS_ALIASES.containsKey(v) ? "Seq spells it `" + LOSS_ALIASES.get(v) + "`"
                : (guess != null ? guess + " " : "") + "the losses are " + String.join(", ", known)));
        return null;
    }

    private Long integer(TrainDecl.Setting s, long fallback, long min) {
        if (s == null) return fallback;
        if (s.value() instanceof Expr.Int i && i.value() >= min) return i.value();
        diags.report(Diagnostic.of(Code.S0407, s.value().span(), "`" + s.key() + "` must be an integer of at least " + min
                + ", found `" + Expr.show(s.value()) + "`")
            .withHelp("for example `" + s.key() + " = " + Math.max(min, fallback) + "`"));
        return null;
    }

    private Double number(TrainDecl.Setting s, double fallback, double min, double max) {
        if (s == null) return fallback;
        Expr e = s.value();
        Double v = e instanceof Expr.Int i ? (double) i.value() : e instanceof Expr.Float f ? f.value() : null;
        if (v != null && v >= min && (max == Double.POSITIVE_INFINITY ? v < max : v < max)) return v;
        diags.report(Diagnostic.of(Code.S0407, e.span(), "`" + s.key() + "` must be a number "
                + (max < Double.POSITIVE_INFINITY ? "in [" + (long) min + ", " + (long) max + ")" : "above 0") + ", found `" + Expr.show(e) + "`")
            .withHelp(s.key().equals("validation_split") ? "for example `validation_split = 0.2` holds out 20 % of the samples"
                : "for example `" + s.key() + " = 1.0`"));
        return null;
    }

    private Boolean bool(TrainDecl.Setting s, boolean fallback) {
        if (s == null) return fallback;
        if (s.value() instanceof Expr.Bool b) return b.value();
        diags.report(Diagnostic.of(Code.S0407, s.value().span(), "`" + s.key() + "` must be `true` or `false`, found `"
                + Expr.show(s.value()) + "`")
            .withHelp("write `" + s.key() + " = true`"));
        return null;
    }

    private List<String> metrics(TrainDecl.Setting s) {
        if (s == null) return List.of();
        List<Expr> items = s.value() instanceof Expr.ListLit l ? l.items() : List.of(s.value());
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (Expr e : items) {
            String v = e instanceof Expr.Name n ? n.id() : e instanceof Expr.Str str ? str.value() : null;
            if (v != null && METRICS.contains(v)) {
                out.add(v);
                continue;
            }
            String guess = v == null ? null : Suggest.didYouMean(v, METRICS);
            diags.report(Diagnostic.of(Code.S0405, e.span(), "unknown metric `" + Expr.show(e) + "`")
                .withHelp((guess != null ? guess + " " : "") + "the metrics are " + String.join(", ", METRICS)));
            ok = false;
        }
        return ok ? out : null;
    }
}
