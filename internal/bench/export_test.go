package bench

// YieldToNodes is yieldToNodes, for the test of its threads.
var YieldToNodes = yieldToNodes
