/** A rating as five small stars, the given ones filled; read out by the element that shows it. */
export function Stars({ rating }: { rating: number }) {
  return (
    <span className={`stars${rating === 0 ? ' unrated' : ''}`} data-rating={rating}>
      {[1, 2, 3, 4, 5].map((star) => (
        <span key={star} className={star <= rating ? 'star on' : 'star'}>
          {star <= rating ? '★' : '☆'}
        </span>
      ))}
    </span>
  );
}
