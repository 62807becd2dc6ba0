//! Walking an error's chain of causes, for the places that classify a failure by what caused it
//! (a refused certificate inside an I/O error, a TLS alert inside a protocol error).

/// An error and its sources, looking inside `io::Error`s, which hide their cause from `source`.
pub(crate) fn causes<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    let mut next = Some(error);
    std::iter::from_fn(move || {
        let current = next?;
        next = match current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
        Some(current)
    })
}
