package seq.compiler.ast;

import java.util.List;
import seq.compiler.diag.SourceFile;

/** A parsed `.seq` file: its models and training blocks in source order. */
public record SeqFile(SourceFile source, List<ModelDecl> models, List<TrainDecl> trains) {
    public SeqFile {
        models = List.copyOf(models);
        trains = List.copyOf(trains);
    }
}
