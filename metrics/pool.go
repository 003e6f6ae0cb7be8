package metrics

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// WatchPool registers the PostgreSQL pool's statistics, read at each scrape;
// waiting says how many callers wait for a connection now.
func (m *Metrics) WatchPool(pool *pgxpool.Pool, waiting func() int64) {
	m.Registry.MustRegister(&poolCollector{pool: pool, waiting: waiting})
}

var (
	poolAcquired = prometheus.NewDesc(DBPoolAcquired.Name, DBPoolAcquired.Help, nil, nil)
	poolIdle     = prometheus.NewDesc(DBPoolIdle.Name, DBPoolIdle.Help, nil, nil)
	poolMax      = prometheus.NewDesc(DBPoolMax.Name, DBPoolMax.Help, nil, nil)
	poolAcquires = prometheus.NewDesc(DBPoolAcquires.Name, DBPoolAcquires.Help, nil, nil)
	poolWaits    = prometheus.NewDesc(DBPoolWaits.Name, DBPoolWaits.Help, nil, nil)
	poolAcquireS = prometheus.NewDesc(DBPoolAcquireS.Name, DBPoolAcquireS.Help, nil, nil)
	poolWaiting  = prometheus.NewDesc(DBPoolWaiting.Name, DBPoolWaiting.Help, nil, nil)
)

type poolCollector struct {
	pool    *pgxpool.Pool
	waiting func() int64
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolAcquired, poolIdle, poolMax, poolAcquires, poolWaits, poolAcquireS, poolWaiting} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolAcquired, prometheus.GaugeValue, float64(s.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.IdleConns()))
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(s.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolAcquireS, prometheus.CounterValue, s.AcquireDuration().Seconds())
	ch <- prometheus.MustNewConstMetric(poolWaiting, prometheus.GaugeValue, float64(c.waiting()))
}
