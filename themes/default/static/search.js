/* Search: replaced by the search implementation. */
