package seq.compiler.diag;

/**
 * The stable code of each kind of problem. docs/errors.md explains every one with a wrong example and
 * its fix; a test keeps the two in step. Codes are never reused for a different meaning.
 */
public enum Code {
    // Lexical and syntax errors
    S0001("unexpected character"),
    S0002("unterminated string"),
    S0003("unterminated block comment"),
    S0004("number out of range"),
    S0005("nesting too deep"),
    S0010("syntax error"),
    S0011("unbalanced bracket"),
    S0012("expression not allowed here"),
    S0013("invalid size in a type"),

    // Names
    S0101("unknown layer"),
    S0102("undefined name"),
    S0103("duplicate name"),
    S0104("unknown model"),
    S0105("duplicate model"),
    S0106("unknown function in a Lambda"),
    S0107("unknown element type"),

    // Layer arguments
    S0201("unknown argument"),
    S0202("wrong argument type"),
    S0203("invalid argument value"),
    S0204("missing argument"),
    S0205("too many arguments"),
    S0206("argument given twice"),
    S0207("positional argument after keyword argument"),

    // Shapes
    S0301("wrong input rank"),
    S0302("recurrent layer given a rank-2 input"),
    S0303("reshape changes the number of elements"),
    S0304("window longer than its input"),
    S0305("declared output type differs from the inferred one"),
    S0306("merged inputs do not match"),
    S0307("wrong number of inputs"),
    S0308("wrong element type"),
    S0309("size too large"),
    S0310("model has no input"),

    // Training block
    S0401("unknown training setting"),
    S0402("unknown loss"),
    S0403("loss does not fit the model's output"),
    S0404("unknown optimizer"),
    S0405("unknown metric"),
    S0406("training setting given twice"),
    S0407("invalid training setting value"),

    // Warnings
    S0901(Severity.WARNING, "value computed and never used"),
    S0902(Severity.WARNING, "reshape interleaves features into time"),
    S0903(Severity.WARNING, "loss expects probabilities");

    private final Severity severity;
    private final String title;

    Code(String title) { this(Severity.ERROR, title); }

    Code(Severity severity, String title) {
        this.severity = severity;
        this.title = title;
    }

    public Severity severity() { return severity; }
    public String title() { return title; }
}
