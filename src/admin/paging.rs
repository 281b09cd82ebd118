//! Finding a resource by name over every page of a listing, and creating it only when no page
//! holds it. Cognito and IAM list at most 60 (100) resources a page: a search of the first page
//! alone makes a duplicate in any larger account. The pages come from the SDK's paginators,
//! which follow `NextToken` / `Marker` themselves.

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use super::errors::refused;
use super::steps::Status;
use crate::error::Result;

/// A listing read item by item, across its pages.
pub(crate) trait Listing {
    type Item;

    /// The next item, fetching the next page when this one is used up; `None` at the end.
    async fn next_item(&mut self) -> Option<Result<Self::Item>>;
}

/// The items of an SDK paginator, its failures named by the IAM action of the listing.
pub(crate) struct Paged<T, E> {
    stream: PaginationStream<std::result::Result<T, SdkError<E, HttpResponse>>>,
    action: &'static str,
}

/// Wraps an SDK paginator's `.items().send()` stream.
pub(crate) fn paged<T, E>(
    action: &'static str,
    stream: PaginationStream<std::result::Result<T, SdkError<E, HttpResponse>>>,
) -> Paged<T, E> {
    Paged { stream, action }
}

impl<T, E> Listing for Paged<T, E>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    type Item = T;

    async fn next_item(&mut self) -> Option<Result<T>> {
        Some(
            self.stream
                .next()
                .await?
                .map_err(|e| refused(self.action, e)),
        )
    }
}

/// Every item of a listing.
pub(crate) async fn all<L: Listing>(mut listing: L) -> Result<Vec<L::Item>> {
    let mut items = Vec::new();
    while let Some(item) = listing.next_item().await {
        items.push(item?);
    }
    Ok(items)
}

/// What a find-or-create ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Made<T> {
    Found(T),
    Created(T),
}

impl<T> Made<T> {
    /// The step's status.
    pub(crate) fn status(&self) -> Status {
        match self {
            Made::Found(_) => Status::Found,
            Made::Created(_) => Status::Created,
        }
    }

    /// What was found or created.
    pub(crate) fn into_inner(self) -> T {
        match self {
            Made::Found(t) | Made::Created(t) => t,
        }
    }
}

/// The first item of `listing` that `pick` accepts (pages are fetched only as far as needed),
/// else what `create` makes.
pub(crate) async fn find_or_create<L: Listing, T>(
    mut listing: L,
    mut pick: impl FnMut(L::Item) -> Option<T>,
    create: impl AsyncFnOnce() -> Result<T>,
) -> Result<Made<T>> {
    while let Some(item) = listing.next_item().await {
        if let Some(found) = pick(item?) {
            return Ok(Made::Found(found));
        }
    }
    Ok(Made::Created(create().await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    /// Pages of names, counting the pages fetched; a page may be an error.
    struct Pages {
        pages: Vec<std::result::Result<Vec<&'static str>, &'static str>>,
        current: std::vec::IntoIter<&'static str>,
        fetched: usize,
    }

    impl Pages {
        fn new(pages: Vec<std::result::Result<Vec<&'static str>, &'static str>>) -> Self {
            Self {
                pages,
                current: Vec::new().into_iter(),
                fetched: 0,
            }
        }
    }

    impl Listing for &mut Pages {
        type Item = &'static str;

        async fn next_item(&mut self) -> Option<Result<&'static str>> {
            loop {
                if let Some(item) = self.current.next() {
                    return Some(Ok(item));
                }
                if self.fetched == self.pages.len() {
                    return None;
                }
                self.fetched += 1;
                match &self.pages[self.fetched - 1] {
                    Ok(page) => self.current = page.clone().into_iter(),
                    Err(e) => {
                        return Some(Err(Error::AdminCallFailed {
                            action: "iam:ListRoles",
                            detail: (*e).into(),
                        }));
                    }
                }
            }
        }
    }

    fn run<F: Future>(f: F) -> F::Output {
        crate::sdk::block_on(f)
    }

    fn named(want: &'static str) -> impl FnMut(&'static str) -> Option<String> {
        move |name| (name == want).then(|| format!("id-of-{name}"))
    }

    #[test]
    fn finds_an_item_on_a_later_page_and_reads_no_further() {
        let mut pages = Pages::new(vec![
            Ok(vec!["a", "b"]),
            Ok(vec![]),
            Ok(vec!["c", "x"]),
            Ok(vec!["d"]),
        ]);
        let mut created = false;
        let made = run(find_or_create(&mut pages, named("x"), async || {
            created = true;
            Ok("new".to_owned())
        }))
        .unwrap();
        assert_eq!(made, Made::Found("id-of-x".to_owned()));
        assert!(!created);
        assert_eq!(pages.fetched, 3, "the fourth page is not needed");
    }

    #[test]
    fn creates_only_after_every_page() {
        let mut pages = Pages::new(vec![Ok(vec!["a"]), Ok(vec!["b"]), Ok(vec!["c"])]);
        let made = run(find_or_create(&mut pages, named("x"), async || {
            Ok("new".to_owned())
        }))
        .unwrap();
        assert_eq!(made, Made::Created("new".to_owned()));
        assert_eq!(made.status(), Status::Created);
        assert_eq!(pages.fetched, 3);
    }

    #[test]
    fn a_failed_page_creates_nothing() {
        let mut pages = Pages::new(vec![Ok(vec!["a"]), Err("throttled"), Ok(vec!["x"])]);
        let mut created = false;
        let err = run(find_or_create(&mut pages, named("x"), async || {
            created = true;
            Ok("new".to_owned())
        }))
        .unwrap_err();
        assert_eq!(err.to_string(), "iam:ListRoles failed: throttled");
        assert!(!created);
    }

    #[test]
    fn all_reads_every_page() {
        let mut pages = Pages::new(vec![Ok(vec!["a", "b"]), Ok(vec![]), Ok(vec!["c"])]);
        assert_eq!(run(all(&mut pages)).unwrap(), ["a", "b", "c"]);
    }
}
