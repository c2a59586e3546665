package seq.compiler.layers;

import seq.compiler.diag.Span;
import seq.compiler.types.TensorType;

/** A value flowing into a layer: its type, where it came from, and the layer that produced it (null for a model input). */
public record Input(TensorType type, Span span, Layer producer) {}
