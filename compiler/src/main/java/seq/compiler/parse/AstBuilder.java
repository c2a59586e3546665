package seq.compiler.parse;

import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import seq.compiler.ast.DimExpr;
import seq.compiler.ast.Expr;
import seq.compiler.ast.ModelDecl;
import seq.compiler.ast.SeqFile;
import seq.compiler.ast.Stmt;
import seq.compiler.ast.TrainDecl;
import seq.compiler.ast.TypeExpr;
import seq.compiler.diag.Code;
import seq.compiler.diag.Diagnostic;
import seq.compiler.diag.Diagnostics;
import seq.compiler.diag.SourceFile;
import seq.compiler.diag.Span;
import seq.grammar.SeqParser;

/** Turns a parse tree without syntax errors into the immutable AST. */
final class AstBuilder {
    private final SourceFile source;
    private final Diagnostics diags;

    AstBuilder(SourceFile source, Diagnostics diags) {
        this.source = source;
        this.diags = diags;
    }

    SeqFile file(SeqParser.FileContext ctx) {
        List<ModelDecl> models = new ArrayList<>();
        List<TrainDecl> trains = new ArrayList<>();
        for (SeqParser.DeclContext d : ctx.decl()) {
            if (d.model() != null) models.add(model(d.model()));
            else trains.add(train(d.train()));
        }
        return new SeqFile(source, models, trains);
    }

    private ModelDecl model(SeqParser.ModelContext ctx) {
        List<ModelDecl.Param> params = new ArrayList<>();
        if (ctx.params() != null) {
            for (SeqParser.ParamContext p : ctx.params().param()) {
                params.add(new ModelDecl.Param(p.name.getText(), span(p.name), type(p.type()), span(p)));
            }
        }
        List<Stmt> body = new ArrayList<>();
        for (SeqParser.StmtContext s : ctx.stmt()) {
            if (s instanceof SeqParser.LetStmtContext let) {
                body.add(new Stmt.Let(let.name.getText(), span(let.name), expr(let.expr()), span(s)));
            } else {
                body.add(new Stmt.Eval(expr(((SeqParser.ExprStmtContext) s).expr()), span(s)));
            }
        }
        return new ModelDecl(ctx.name.getText(), span(ctx.name), params,
            ctx.result == null ? null : type(ctx.result), body, span(ctx));
    }

    private TrainDecl train(SeqParser.TrainContext ctx) {
        List<TrainDecl.Setting> settings = new ArrayList<>();
        for (SeqParser.SettingContext s : ctx.setting()) {
            settings.add(new TrainDecl.Setting(s.key.getText(), span(s.key), expr(s.expr()), span(s)));
        }
        return new TrainDecl(ctx.name.getText(), span(ctx.name), settings, span(ctx));
    }

    private TypeExpr type(SeqParser.TypeContext ctx) {
        List<DimExpr> dims = new ArrayList<>();
        for (SeqParser.DimContext d : ctx.dim()) {
            dims.add(d instanceof SeqParser.SizeDimContext s ? size(s.size()) : new DimExpr.Unknown(span(d)));
        }
        return new TypeExpr(ctx.elem == null ? null : ctx.elem.getText(), ctx.elem == null ? null : span(ctx.elem),
            dims, span(ctx));
    }

    private DimExpr size(SeqParser.SizeContext ctx) {
        Span at = span(ctx);
        if (ctx instanceof SeqParser.IntSizeContext c) return new DimExpr.Const(integer(c.INT().getSymbol()), at);
        if (ctx instanceof SeqParser.SymSizeContext c) return new DimExpr.Sym(c.ID().getText(), at);
        if (ctx instanceof SeqParser.ParenSizeContext c) return size(c.size());
        if (ctx instanceof SeqParser.NegSizeContext c) return new DimExpr.Neg(size(c.size()), at);
        if (ctx instanceof SeqParser.CallSizeContext c) return new DimExpr.Call(c.fn.getText(), span(c.fn), size(c.size()), at);
        if (ctx instanceof SeqParser.MulSizeContext c) {
            return new DimExpr.Binary(c.op.getText().charAt(0), size(c.size(0)), size(c.size(1)), at);
        }
        SeqParser.AddSizeContext c = (SeqParser.AddSizeContext) ctx;
        return new DimExpr.Binary(c.op.getText().charAt(0), size(c.size(0)), size(c.size(1)), at);
    }

    private Expr expr(SeqParser.ExprContext ctx) {
        Span at = span(ctx);
        if (ctx instanceof SeqParser.NameExprContext c) return new Expr.Name(c.ID().getText(), at);
        if (ctx instanceof SeqParser.IntExprContext c) return new Expr.Int(integer(c.INT().getSymbol()), at);
        if (ctx instanceof SeqParser.FloatExprContext c) return new Expr.Float(floating(c.FLOAT().getSymbol()), at);
        if (ctx instanceof SeqParser.StringExprContext c) return new Expr.Str(unquote(c.STRING().getText()), at);
        if (ctx instanceof SeqParser.BoolExprContext c) return new Expr.Bool(c.value.getText().equals("true"), at);
        if (ctx instanceof SeqParser.ParenExprContext c) return expr(c.expr());
        if (ctx instanceof SeqParser.TupleExprContext c) return new Expr.Tuple(c.expr().stream().map(this::expr).toList(), at);
        if (ctx instanceof SeqParser.ListExprContext c) return new Expr.ListLit(c.expr().stream().map(this::expr).toList(), at);
        if (ctx instanceof SeqParser.NegExprContext c) {
            Expr operand = expr(c.expr());
            // `-1` is a literal, so `axis=-1` reads as the number the user wrote.
            if (operand instanceof Expr.Int i) return new Expr.Int(-i.value(), at);
            if (operand instanceof Expr.Float f) return new Expr.Float(-f.value(), at);
            return new Expr.Unary('-', operand, at);
        }
        if (ctx instanceof SeqParser.MulExprContext c) {
            return new Expr.Binary(c.op.getText().charAt(0), expr(c.expr(0)), expr(c.expr(1)), at);
        }
        if (ctx instanceof SeqParser.AddExprContext c) {
            return new Expr.Binary(c.op.getText().charAt(0), expr(c.expr(0)), expr(c.expr(1)), at);
        }
        SeqParser.CallExprContext c = (SeqParser.CallExprContext) ctx;
        List<Expr.Arg> args = new ArrayList<>();
        if (c.args() != null) {
            for (SeqParser.ArgContext a : c.args().arg()) {
                SeqParser.LambdaContext l = a.lambda();
                Expr value = l == null ? expr(a.expr()) : new Expr.Lambda(l.var.getText(), span(l.var), expr(l.body), span(l));
                args.add(new Expr.Arg(a.name == null ? null : a.name.getText(), a.name == null ? null : span(a.name), value, span(a)));
            }
        }
        Span argsSpan = source.span(c.getChild(1) instanceof org.antlr.v4.runtime.tree.TerminalNode t
            ? t.getSymbol().getStartIndex() : at.start(), at.end());
        return new Expr.Call(expr(c.expr()), args, argsSpan, at);
    }

    private long integer(Token t) {
        try {
            return Long.parseLong(t.getText());
        } catch (NumberFormatException e) {
            diags.report(Diagnostic.of(Code.S0004, span(t), "integer `" + shorten(t.getText()) + "` is too large")
                .withHelp("integers must be below 2^63 (9223372036854775808)"));
            return 1;
        }
    }

    private double floating(Token t) {
        double v = Double.parseDouble(t.getText());
        if (Double.isInfinite(v)) {
            diags.report(Diagnostic.of(Code.S0004, span(t), "number `" + shorten(t.getText()) + "` is too large for a float")
                .withHelp("numbers must be below about 1.8e308"));
            return 0;
        }
        return v;
    }

    private static String shorten(String s) {
        return s.length() > 24 ? s.substring(0, 21) + "..." : s;
    }

    private static String unquote(String quoted) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length() - 1) {
                char n = quoted.charAt(++i);
                out.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> n;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private Span span(Token t) {
        return Parse.span(source, t);
    }

    private Span span(ParserRuleContext ctx) {
        return source.span(ctx.getStart().getStartIndex(), ctx.getStop().getStopIndex() + 1);
    }
}
