"""SmolTraces (ST): one correct teacher trace per problem."""
