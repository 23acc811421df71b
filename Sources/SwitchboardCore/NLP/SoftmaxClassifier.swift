import Foundation

/// Multinomial logistic regression (softmax) over sparse vectors, trained by stochastic gradient
/// descent with L2 regularisation.
///
/// The model's probabilities are its confidences, after temperature scaling (``TemperatureScaling``), so a
/// tenant's threshold means "answer when the model is at least this sure".
///
/// Training is deterministic: examples are visited in an order drawn from a fixed seed, and every sum
/// runs over features and classes in index order. The same data gives the same weights to the bit.
struct SoftmaxClassifier: Sendable {
    /// Training knobs; the defaults were chosen on the CLINC150 and SNIPS validation splits.
    struct Parameters: Sendable, Hashable {
        /// Passes over the data.
        var epochs = 15
        /// Initial step size; it decays as `rate / (1 + rate * l2 * step)`.
        var learningRate: Float = 1
        /// L2 penalty per example.
        var l2: Float = 1e-6
        /// Seed of the example order.
        var seed: UInt64 = 0x5157_4348_424F_4152
    }

    let classCount: Int
    let featureCount: Int
    /// Feature-major: the weights of feature `j` are `weights[j * classCount ..< (j + 1) * classCount]`.
    private(set) var weights: [Float]
    private(set) var bias: [Float]
    /// Divides the logits before the softmax (see ``TemperatureScaling``); 1 leaves them as trained.
    var temperature: Float = 1

    init(classCount: Int, featureCount: Int, weights: [Float], bias: [Float], temperature: Float = 1) {
        self.classCount = classCount
        self.featureCount = featureCount
        self.weights = weights
        self.bias = bias
        self.temperature = temperature
    }

    /// Trains on `vectors` with class indices `labels`.
    init(
        vectors: [SparseVector], labels: [Int], classCount: Int, featureCount: Int,
        parameters: Parameters = Parameters()
    ) {
        self.classCount = classCount
        self.featureCount = featureCount
        var weights = [Float](repeating: 0, count: featureCount * classCount)
        var bias = [Float](repeating: 0, count: classCount)
        var generator = SeededGenerator(seed: parameters.seed)
        // The L2 shrink of all weights is kept in one factor, so a step touches only the example's rows.
        var scale: Float = 1
        var step: Float = 0
        var gradient = [Float](repeating: 0, count: classCount)
        let rate = parameters.learningRate
        let l2 = parameters.l2
        // Raw pointers, so the per-class loops run without bounds checks and vectorise. Every loop over
        // classes is elementwise, so vectorising changes no result.
        weights.withUnsafeMutableBufferPointer { weights in
            bias.withUnsafeMutableBufferPointer { bias in
                gradient.withUnsafeMutableBufferPointer { gradient in
                    for _ in 0..<parameters.epochs {
                        for example in generator.permutation(vectors.count) {
                            let vector = vectors[example]
                            let eta = rate / (1 + rate * l2 * step)
                            step += 1
                            Self.logits(
                                vector, weights: UnsafeBufferPointer(weights), bias: UnsafeBufferPointer(bias),
                                scale: scale, into: gradient)
                            Self.softmax(gradient)
                            gradient[labels[example]] -= 1
                            scale *= 1 - eta * l2
                            Self.subtract(vector, times: eta / scale, gradient: gradient, from: weights)
                            for k in 0..<classCount {
                                bias[k] -= eta * gradient[k]
                            }
                            if scale < 1e-3 {
                                Self.multiply(weights, by: scale)
                                scale = 1
                            }
                        }
                    }
                    Self.multiply(weights, by: scale)
                }
            }
        }
        self.weights = weights
        self.bias = bias
    }

    /// Class probabilities of `vector`, in class order, at the model's temperature.
    func probabilities(_ vector: SparseVector) -> [Float] {
        var result = logits(vector)
        if temperature != 1 {
            for k in result.indices { result[k] /= temperature }
        }
        Self.softmax(&result)
        return result
    }

    /// The scores before the softmax, in class order.
    func logits(_ vector: SparseVector) -> [Float] {
        var result = [Float](repeating: 0, count: classCount)
        weights.withUnsafeBufferPointer { weights in
            bias.withUnsafeBufferPointer { bias in
                result.withUnsafeMutableBufferPointer { result in
                    Self.logits(vector, weights: weights, bias: bias, scale: 1, into: result)
                }
            }
        }
        return result
    }

    /// `result = scale * (W · vector) + bias`, one class per element.
    private static func logits(
        _ vector: SparseVector, weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
        scale: Float, into result: UnsafeMutableBufferPointer<Float>
    ) {
        let classCount = bias.count
        guard let sums = result.baseAddress, let weights = weights.baseAddress, let bias = bias.baseAddress else {
            return
        }
        sums.update(repeating: 0, count: classCount)
        vector.indices.withUnsafeBufferPointer { indices in
            vector.values.withUnsafeBufferPointer { values in
                for position in 0..<indices.count {
                    let value = values[position]
                    let row = weights + Int(indices[position]) &* classCount
                    for k in 0..<classCount {
                        sums[k] += value * row[k]
                    }
                }
            }
        }
        for k in 0..<classCount {
            sums[k] = sums[k] * scale + bias[k]
        }
    }

    /// The SGD step on the example's rows: `W[feature] -= factor * value * gradient`.
    private static func subtract(
        _ vector: SparseVector, times factor: Float, gradient: UnsafeMutableBufferPointer<Float>,
        from weights: UnsafeMutableBufferPointer<Float>
    ) {
        let classCount = gradient.count
        guard let gradient = gradient.baseAddress, let weights = weights.baseAddress else { return }
        vector.indices.withUnsafeBufferPointer { indices in
            vector.values.withUnsafeBufferPointer { values in
                for position in 0..<indices.count {
                    let value = values[position] * factor
                    let row = weights + Int(indices[position]) &* classCount
                    for k in 0..<classCount {
                        row[k] -= value * gradient[k]
                    }
                }
            }
        }
    }

    private static func multiply(_ values: UnsafeMutableBufferPointer<Float>, by factor: Float) {
        for index in values.indices { values[index] *= factor }
    }

    private static func softmax(_ values: inout [Float]) {
        values.withUnsafeMutableBufferPointer { softmax($0) }
    }

    private static func softmax(_ values: UnsafeMutableBufferPointer<Float>) {
        guard let top = values.max() else { return }
        var sum: Float = 0
        for k in values.indices {
            values[k] = exp(values[k] - top)
            sum += values[k]
        }
        for k in values.indices { values[k] /= sum }
    }
}
