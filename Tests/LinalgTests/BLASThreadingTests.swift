import Dispatch
import Linalg
import Testing

@Suite("BLAS thread control", .serialized)
struct BLASThreadingTests {
    // Other suites (Horn's analysis) enter sections concurrently in the same
    // process, so the setting outside a section is not asserted here.
    @Test("Nested and overlapping sections hold 1 thread throughout")
    func nestedAndConcurrent() {
        BLASThreading.withThreadCount(1) {
            #expect(BLASThreading.threadCount == 1)
            BLASThreading.withThreadCount(1) { #expect(BLASThreading.threadCount == 1) }
            // Still inside the outer section after the inner one left.
            #expect(BLASThreading.threadCount == 1)
        }
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            BLASThreading.withThreadCount(1) {
                for _ in 0..<100 { #expect(BLASThreading.threadCount == 1) }
            }
        }
    }

    @Test("A throwing body leaves the section (a later section still works)")
    func leavesOnThrow() {
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            try BLASThreading.withThreadCount(1) { () throws(Failure) in throw Failure() }
        }
        BLASThreading.withThreadCount(1) { #expect(BLASThreading.threadCount == 1) }
        #expect(!BLASThreading.coreName.isEmpty)
    }
}
