//! A byte buffer each thread keeps from one use to the next. Pages and
//! index shards are written into memory that is already there and then
//! copied out once at their exact size, instead of into a new buffer grown
//! step by step: on a big book that faulted in fresh memory for every file.

use std::cell::RefCell;

/// The largest buffer a thread keeps between uses: one grown for a rare
/// big file (the catalogue of a large book) is let go.
const MAX_KEPT: usize = 4 << 20;

thread_local! {
    static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with this thread's buffer, emptied. A call made from inside
/// `f` gets a buffer of its own.
pub(crate) fn with_buffer<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    BUF.with(|cell| {
        let mut spare = Vec::new();
        let mut kept = cell.try_borrow_mut();
        let buf = match &mut kept {
            Ok(b) => &mut **b,
            Err(_) => &mut spare,
        };
        buf.clear();
        let r = f(buf);
        if buf.capacity() > MAX_KEPT {
            *buf = Vec::new();
        }
        r
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buffer_comes_empty_and_nested_calls_get_their_own() {
        with_buffer(|b| b.extend_from_slice(b"page"));
        with_buffer(|outer| {
            assert!(outer.is_empty(), "the last use's bytes are cleared");
            outer.push(1);
            with_buffer(|inner| {
                assert!(inner.is_empty());
                inner.push(2);
            });
            assert_eq!(outer, &[1], "a nested use leaves the outer buffer alone");
        });
    }
}
