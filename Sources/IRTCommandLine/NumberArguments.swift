import ArgumentParser

/// Parsing of numeric options whose type cannot say what is wrong with a value.
enum NumberArguments {
    /// A seed: a whole number from 0 to 2⁶⁴ − 1.
    ///
    /// - Throws: `ValidationError` saying so (`--seed -5` is not "a missing value").
    static func seed(_ text: String) throws -> UInt64 {
        guard let value = UInt64(text) else {
            throw ValidationError("a seed is a whole number from 0 to \(UInt64.max) (got \(text))")
        }
        return value
    }
}
