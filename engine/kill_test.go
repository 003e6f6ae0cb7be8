package engine_test

const workerEnv = "MOHALLA_ENGINE_TEST_WORKER"

func workerMain() int { return 0 }
