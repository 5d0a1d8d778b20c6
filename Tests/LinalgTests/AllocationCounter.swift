import Foundation

// Counts Swift heap allocations on the calling thread, to prove that a kernel
// allocates nothing per call.
//
// Every Swift heap object (class instances, array and string buffers, closure
// contexts, boxed errors) is created by `swift_allocObject`, which calls
// through the runtime's exported hook `_swift_allocObject` once it differs
// from the default. The hook installed here counts the allocations of threads
// that asked for it (a pthread-specific value is the counter) and forwards to
// the original. Memory that C libraries take with malloc (OpenBLAS
// workspaces) is not seen.
//
// Changing the hook also switches the runtime's retain/release into its
// "swizzled" mode (meant for Instruments), in which the Swift Testing runner
// crashed here (Swift 6.3.1, Linux) after a count. So count only inside an
// exit test (`#expect(processExitsWith:)`, a child process) and leave it with
// `_exit` as soon as the count is known.

private typealias AllocObject = @convention(c) (UnsafeRawPointer?, Int, Int) -> UnsafeMutableRawPointer?

/// The thread-specific key that holds a counting thread's counter, and the
/// runtime's own allocator; set once, before the hook is installed.
private struct HookState {
    let key: pthread_key_t
    let original: AllocObject
}

nonisolated(unsafe) private let hookState: UnsafeMutablePointer<HookState>? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "_swift_allocObject") else { return nil }
    let slot = symbol.assumingMemoryBound(to: AllocObject?.self)
    guard let original = slot.pointee else { return nil }
    var key = pthread_key_t()
    guard pthread_key_create(&key, nil) == 0 else { return nil }
    let state = UnsafeMutablePointer<HookState>.allocate(capacity: 1)
    state.initialize(to: HookState(key: key, original: original))
    // Nothing below allocates: an allocation on this thread would re-enter this
    // initializer through the hook.
    slot.pointee = { metadata, size, alignmentMask in
        // The counter starts at address 1 ("counting, none yet") and moves by one byte per allocation.
        let state = hookState.unsafelyUnwrapped.pointee
        if let count = pthread_getspecific(state.key) { pthread_setspecific(state.key, count + 1) }
        return state.original(metadata, size, alignmentMask)
    }
    return state
}()

/// Whether this runtime exports the hook (checked without installing it).
let allocationCounterAvailable = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "_swift_allocObject") != nil

/// Keeps a value alive and opaque to the optimizer.
@inline(never) func blackHole<T>(_ value: T) { _ = value }

/// The number of Swift heap allocations `body` makes on the calling thread,
/// or nil when the runtime hook is not available.
func swiftAllocations(in body: () throws -> Void) rethrows -> Int? {
    guard let key = hookState?.pointee.key else { return nil }
    let start = UnsafeRawPointer(bitPattern: 1)!
    pthread_setspecific(key, start)
    defer { pthread_setspecific(key, nil) }
    try body()
    let end = UnsafeRawPointer(pthread_getspecific(key)!)
    return end - start
}
