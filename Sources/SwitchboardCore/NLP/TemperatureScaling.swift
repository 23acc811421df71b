import Foundation

/// Temperature scaling (Guo et al. 2017): one number T that divides a model's logits before the softmax,
/// chosen to minimise the log loss on examples the model was not trained on.
///
/// SGD on a few examples per intent gives over- or under-confident probabilities depending on the data's
/// size and the number of intents; after scaling, a confidence of 0.6 is right about 60% of the time on any
/// tenant's data, so one threshold means the same across tenants. T does not change the top intent.
///
/// Held-out examples of the tenant's own intents say nothing about messages outside them, which the bot
/// should hand over: a text of unknown words scores low because its known vector is short. Fitted on
/// in-scope examples only, T would often sharpen the model and lift those scores, so without
/// out-of-scope training examples T may only soften it (T ≥ 1).
enum TemperatureScaling {
    /// The search range of T.
    static let range: ClosedRange<Double> = 0.05...20

    /// The T in ``range`` that minimises the mean negative log-likelihood of `labels` under
    /// `softmax(logits / T)`; 1 without examples. With `sharpen` false, T is at least 1: the confidences
    /// may come down, never up. Deterministic: a fixed number of golden-section steps on log T (the loss
    /// is convex in 1/T).
    static func fit(logits: [[Float]], labels: [Int], sharpen: Bool = true) -> Float {
        guard !logits.isEmpty else { return 1 }
        var low = sharpen ? log(range.lowerBound) : 0
        var high = log(range.upperBound)
        let ratio = (5.0.squareRoot() - 1) / 2
        var left = high - ratio * (high - low)
        var right = low + ratio * (high - low)
        var leftLoss = loss(logits, labels, temperature: exp(left))
        var rightLoss = loss(logits, labels, temperature: exp(right))
        for _ in 0..<60 {
            if leftLoss <= rightLoss {
                high = right
                right = left
                rightLoss = leftLoss
                left = high - ratio * (high - low)
                leftLoss = loss(logits, labels, temperature: exp(left))
            } else {
                low = left
                left = right
                leftLoss = rightLoss
                right = low + ratio * (high - low)
                rightLoss = loss(logits, labels, temperature: exp(right))
            }
        }
        return Float(exp((low + high) / 2))
    }

    /// Mean negative log-likelihood at temperature T.
    static func loss(_ logits: [[Float]], _ labels: [Int], temperature: Double) -> Double {
        var total = 0.0
        for (row, label) in zip(logits, labels) {
            guard let top = row.max() else { continue }
            var sum = 0.0
            for value in row { sum += exp((Double(value) - Double(top)) / temperature) }
            total += log(sum) - (Double(row[label]) - Double(top)) / temperature
        }
        return total / Double(logits.count)
    }
}
