package a

func doRequestInHelperFunc() {
	_, _ = doRequestWithoutClose() // bodyclose-want "response body must be closed"
}
