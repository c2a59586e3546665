package seq.compiler.ir.ops;

import static seq.compiler.codegen.loops.Loop.*;

import java.util.ArrayList;
import java.util.List;
import seq.compiler.codegen.loops.Loop;

/**
 * The optimizer step for one weight, generated like every other kernel: Keras 3's SGD (momentum,
 * Nesterov), Adam and RMSprop, with clipnorm applied to this weight's gradient alone as Keras does.
 * The hyperparameters arrive in {@code hyper} each step: [learning rate, momentum | beta_1 | rho,
 * beta_2, epsilon, Adam's bias-corrected rate, clipnorm (0 for none)].
 */
public final class Update {
    private Update() {}

    public static final int HYPER = 6;

    public static Loop.Kernel kernel(String name, String optimizer, boolean nesterov) {
        Expr lr = at("hyper", i(0)), first = at("hyper", i(1)), second = at("hyper", i(2)), eps = at("hyper", i(3));
        Expr corrected = at("hyper", i(4)), clip = at("hyper", i(5));
        List<Stmt> body = new ArrayList<>();
        body.add(let("scale", Type.REAL, r(1)));
        body.add(new If(cmp(">", clip, r(0)), List.of(
            let("squares", Type.REAL, r(0)),
            loop("i", v("n"), set("squares", add(v("squares"), mul(at("g", v("i")), at("g", v("i")))))),
            let("norm", Type.REAL, fn("sqrt", v("squares"))),
            when(cmp(">", v("norm"), clip), set("scale", div(clip, v("norm"))))), List.of()));
        List<Stmt> each = new ArrayList<>();
        each.add(let("gi", Type.REAL, mul(at("g", v("i")), v("scale"))));
        switch (optimizer) {
            case "SGD" -> {
                // velocity = momentum · velocity − lr · g; with momentum 0 this is plain SGD.
                each.add(store("m", v("i"), sub(mul(first, at("m", v("i"))), mul(lr, v("gi")))));
                each.add(addTo("w", v("i"), nesterov ? sub(mul(first, at("m", v("i"))), mul(lr, v("gi"))) : at("m", v("i"))));
            }
            case "RMSprop" -> {
                each.add(store("v", v("i"), add(mul(first, at("v", v("i"))), mul(sub(r(1), first), mul(v("gi"), v("gi"))))));
                each.add(store("w", v("i"), sub(at("w", v("i")), div(mul(lr, v("gi")), add(fn("sqrt", at("v", v("i"))), eps)))));
            }
            default -> {
                each.add(addTo("m", v("i"), mul(sub(v("gi"), at("m", v("i"))), sub(r(1), first))));
                each.add(addTo("v", v("i"), mul(sub(mul(v("gi"), v("gi")), at("v", v("i"))), sub(r(1), second))));
                each.add(store("w", v("i"), sub(at("w", v("i")), div(mul(corrected, at("m", v("i"))), add(fn("sqrt", at("v", v("i"))), eps)))));
            }
        }
        body.add(new For("i", i(0), v("n"), each));
        return new Loop.Kernel(name, List.of(p("w", Type.REAL_ARRAY), p("g", Type.REAL_ARRAY), p("m", Type.REAL_ARRAY),
            p("v", Type.REAL_ARRAY), p("n", Type.INT), p("hyper", Type.REAL_ARRAY)), body);
    }
}
